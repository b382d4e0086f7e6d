package dev.connectnative.testkit.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emulates the agent cache's {@code X-Cache: HIT|MISS} and {@code Age} headers: the first read of a
 * key at a given index is a MISS, later reads of the same index are HITs aged from the first.
 */
public final class ResponseCache {
  private record Cached(long index, Instant fetched) {}

  private final Clock clock;
  private final Map<String, Cached> entries = new ConcurrentHashMap<>();

  /** Creates an empty cache. */
  public ResponseCache(Clock clock) {
    this.clock = clock;
  }

  /** Adds {@code X-Cache} (and {@code Age} on a hit) for a read of {@code key} at {@code index}. */
  public Reply mark(Reply reply, String key, long index, boolean forceMiss) {
    Instant now = clock.instant();
    Cached previous = entries.get(key);
    if (!forceMiss && previous != null && previous.index() == index) {
      long age = Math.max(0, Duration.between(previous.fetched(), now).getSeconds());
      return reply.with("X-Cache", "HIT").with("Age", Long.toString(age));
    }
    entries.put(key, new Cached(index, now));
    return reply.with("X-Cache", "MISS");
  }
}
