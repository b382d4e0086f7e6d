package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An agent answer with the {@code X-Consul-Index} it came with.
 *
 * @param value the decoded answer
 * @param index the {@code X-Consul-Index} header, or {@code 0} when the agent sent none
 * @param defaultAclPolicy the {@code X-Consul-Default-Acl-Policy} header ({@code allow} or {@code
 *     deny}, sent on every answer), or empty when the agent sent none
 * @param <T> the answer type
 */
public record Indexed<T>(T value, long index, Optional<String> defaultAclPolicy) {
  public Indexed {
    requireNonNull(value, "value");
    requireNonNull(defaultAclPolicy, "defaultAclPolicy");
  }

  /** An answer without an {@code X-Consul-Default-Acl-Policy} header. */
  public Indexed(T value, long index) {
    this(value, index, Optional.empty());
  }
}
