package dev.connectnative.internal.agent;

import java.time.Duration;

/**
 * Blocking-query parameters of a read.
 *
 * @param index the {@code index} to block on; {@code 0} for a non-blocking read
 * @param maxWait the longest time the agent may hold the request; {@code null} for the agent
 *     default (5 minutes) when {@code index > 0}
 */
public record QueryOptions(long index, Duration maxWait) {
  /** A plain non-blocking read. */
  public static final QueryOptions NONE = new QueryOptions(0, null);

  /** The agent's upper bound for {@code wait}. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  /** The agent's default {@code wait} for a blocking query without one. */
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

  public QueryOptions {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    if (maxWait != null && (maxWait.isNegative() || maxWait.compareTo(MAX_WAIT) > 0)) {
      throw new IllegalArgumentException("maxWait must be between 0 and 10 minutes: " + maxWait);
    }
  }

  /**
   * Returns a blocking read.
   *
   * @param index the index to block on
   * @param maxWait the longest time to block
   * @return the options
   */
  public static QueryOptions blocking(long index, Duration maxWait) {
    return new QueryOptions(index, maxWait);
  }

  /**
   * The longest time the agent may legitimately take to answer: {@code wait} plus the up to {@code
   * wait/16} jitter Consul adds, or zero for a non-blocking read.
   *
   * @return the expected worst-case hold time
   */
  public Duration maxHold() {
    if (index == 0 && maxWait == null) {
      return Duration.ZERO;
    }
    Duration w = maxWait == null ? DEFAULT_WAIT : maxWait;
    return w.plus(w.dividedBy(16));
  }

  /** The {@code wait} query parameter value, in milliseconds as Consul accepts ({@code 1500ms}). */
  String waitParameter() {
    return maxWait == null ? null : maxWait.toMillis() + "ms";
  }
}
