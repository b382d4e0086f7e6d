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
