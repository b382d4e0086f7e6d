package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

/**
 * An agent answer with the {@code X-Consul-Index} it came with.
 *
 * @param value the decoded answer
 * @param index the {@code X-Consul-Index} header, or {@code 0} when the agent sent none
 * @param <T> the answer type
 */
public record Indexed<T>(T value, long index) {
  public Indexed {
    requireNonNull(value, "value");
  }
}
