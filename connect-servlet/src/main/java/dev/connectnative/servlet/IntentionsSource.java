package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where the live {@link ServiceIntentions} of this service come from, read once per request by
 * {@link ConnectFilter} and once per handshake by the connector.
 *
 * <p>{@link #fixed(ServiceIntentions)} serves a parsed entry (files, tests); {@link
 * AgentIntentions} follows the agent with a blocking query. Implementations are thread-safe and
 * {@link #current()} must not block.
 */
public interface IntentionsSource {

  /**
   * Returns the intentions in effect.
   *
   * @return the intentions; empty while they are not known (not fetched yet, or the last entry
   *     could not be enforced), in which case callers governed by them are refused
   */
  Optional<ServiceIntentions> current();

  /**
   * Returns Consul's default intention behaviour, which decides a request when none of the
   * permissions of the caller's L7 intention matches it. {@link AgentIntentions} reads it from the
   * agent; {@link ConnectFilter.Builder#defaultAllow(boolean)} overrides it.
   *
   * @return {@code true} to allow, {@code false} to deny; empty when unknown (this default
   *     implementation), in which case such requests are refused
   */
  default Optional<Boolean> defaultAllow() {
    return Optional.empty();
  }

  /**
   * Returns a source that always serves the same intentions.
   *
   * @param intentions the intentions
   * @return the source
   * @throws NullPointerException if {@code intentions} is null
   */
  static IntentionsSource fixed(ServiceIntentions intentions) {
    Optional<ServiceIntentions> value = Optional.of(requireNonNull(intentions, "intentions"));
    return () -> value;
  }
}
