package dev.connectnative.internal.agent;

import dev.connectnative.AgentException;

/**
 * Receives what a {@link BlockingWatch} sees. Calls come one at a time, in order, from the watch's
 * scheduler thread; a listener must not block.
 *
 * @param <T> the watched value type
 */
public interface WatchListener<T> {
  /**
   * Called with the first value and then whenever the value differs from the previous one (an
   * answer with a new index but an equal value is not reported).
   *
   * @param value the new value
   * @param index its {@code X-Consul-Index}
   */
  void onChange(T value, long index);

  /**
   * Called after every failed query. The watch keeps retrying with backoff.
   *
   * @param error what failed; {@link AgentException#isPermissionDenied()} for a 403
   * @param consecutiveFailures how many queries failed in a row, starting at 1
   */
  default void onError(AgentException error, int consecutiveFailures) {}

  /**
   * Called when a query succeeds after one or more failures.
   *
   * @param failures how many queries had failed in a row
   */
  default void onRecovered(int failures) {}
}
