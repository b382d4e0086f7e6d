package dev.connectnative.testkit.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one lock, raft-like index and change signal all stores share.
 *
 * <p>Every mutation runs under {@link #lock()}, takes a fresh index with {@link #nextIndex()} and
 * ends with {@link #changed()}, which wakes every blocking query so it can re-read its resource.
 */
public final class AgentState {
  /** Consul caps a blocking query's wait at 10 minutes. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  /** Consul's default wait when {@code index} is given without {@code wait}. */
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Clock clock;
  private final Random random;
  private Timer timer = Timer.NONE;
  private long index;
  private volatile boolean stopping;

  /** Creates the state with the agent's clock and randomness. */
  public AgentState(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  /**
   * Something that happens at a point in time (a TTL check expiring). It runs lazily: before every
   * read, and blocking queries wake up when it is due, so HTTP clients cannot tell it from a timer
   * thread.
   */
  public interface Timer {
    /** No timed events. */
    Timer NONE =
        new Timer() {
          @Override
          public java.util.Optional<java.time.Instant> nextDue() {
            return java.util.Optional.empty();
          }

          @Override
          public void fire() {}
        };

    /** Returns when the next event is due; called with the lock held. */
    java.util.Optional<java.time.Instant> nextDue();

    /** Applies every event that is due; called with the lock held. */
    void fire();
  }

  /** Installs the timed events; the caller holds the lock. */
  public void timer(Timer timer) {
    this.timer = timer;
  }

  /** Returns the lock guarding every store. */
  public ReentrantLock lock() {
    return lock;
  }

  /** Returns the agent's clock. */
  public Clock clock() {
    return clock;
  }

  /** Returns a random long in {@code [0, bound)}, or 0 when {@code bound <= 0}. */
  public long randomBelow(long bound) {
    lock.lock();
    try {
      return bound <= 0 ? 0 : (long) (random.nextDouble() * bound);
    } finally {
      lock.unlock();
    }
  }

  /** Returns a random double in {@code [0, 1)}. */
  public double randomFraction() {
    lock.lock();
    try {
      return random.nextDouble();
    } finally {
      lock.unlock();
    }
  }

  /** Takes the next index; the caller holds the lock. */
  public long nextIndex() {
    return ++index;
  }

  /** Returns the last index handed out. */
  public long currentIndex() {
    return index;
  }

  /** Wakes every blocking query; the caller holds the lock. */
  public void changed() {
    changed.signalAll();
  }

  /** Wakes every blocking query and makes them answer now (agent stopping). */
  public void releaseAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies Consul's wait rules: capped at 10 minutes, plus up to {@code wait/16} random jitter.
   */
  public Duration effectiveWait(Duration requested) {
    Duration wait = requested.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : requested;
    return wait.plusNanos(randomBelow(wait.toNanos() / 16));
  }

  /**
   * Runs a blocking query: answers at once when {@code minIndex} is 0 or below the resource's
   * index, otherwise waits until the index passes {@code minIndex} or {@code wait} elapses.
   */
  public <T> Indexed<T> block(long minIndex, Duration wait, Supplier<Indexed<T>> read) {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      timer.fire();
      Indexed<T> current = read.get();
      if (minIndex <= 0) {
        return current;
      }
      while (current.index() <= minIndex) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || stopping) {
          return current;
        }
        awaitChange(Math.min(left, untilNextTimer()));
        timer.fire();
        current = read.get();
      }
      return current;
    } finally {
      lock.unlock();
    }
  }

  private long untilNextTimer() {
    return timer
        .nextDue()
        .map(due -> Math.max(1, java.time.Duration.between(clock.instant(), due).toNanos()))
        .orElse(Long.MAX_VALUE);
  }

  /** Waits for a change signal for at most {@code nanos}; the caller holds the lock. */
  public void awaitChange(long nanos) {
    try {
      changed.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  /** Marks whether the agent is stopping; blocked queries answer at once while it is. */
  public void stopping(boolean value) {
    stopping = value;
    releaseAll();
  }

  /** Tells whether the agent is stopping (blocked queries must answer at once). */
  public boolean isStopping() {
    return stopping;
  }

  /**
   * A value with the index it was read at.
   *
   * @param index the resource's modify index
   * @param value the value
   * @param <T> the value type
   */
  public record Indexed<T>(long index, T value) {}
}
