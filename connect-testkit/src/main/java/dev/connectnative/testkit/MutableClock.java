package dev.connectnative.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that follows real time from a base that a test moves forward, e.g. to see what a
 * service does once a certificate has expired without waiting for it. Thread-safe.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  /**
   * Moves the clock forward by {@code amount}.
   *
   * @param amount how far
   */
  public void advance(Duration amount) {
    offset.accumulateAndGet(amount, Duration::plus);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC only");
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }
}
