package dev.connectnative.testkit.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.testkit.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds the fault rules and applies them to incoming requests. */
public final class FaultInjector implements Faults {
  /** What to do with a matching request. */
  public enum Kind {
    /** Answer with a fixed status and body. */
    FAIL,
    /** Hold, then answer normally. */
    STALL,
    /** Answer 200 with a body that is not JSON. */
    GARBAGE,
    /** Send half the body, then close. */
    RESET
  }

  /**
   * One rule.
   *
   * @param prefix path prefix
   * @param kind fault kind
   * @param status status for {@code FAIL}
   * @param body body for {@code FAIL}
   * @param delay hold time for a timed {@code STALL}, null until released
   * @param released released when a held {@code STALL} ends
   */
  public record Rule(
      String prefix, Kind kind, int status, String body, Duration delay, CountDownLatch released) {}

  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  @Override
  public Faults failWith(String pathPrefix, int status, String body) {
    requireNonNull(pathPrefix, "pathPrefix");
    requireNonNull(body, "body");
    rules.add(new Rule(pathPrefix, Kind.FAIL, status, body, null, null));
    return this;
  }

  @Override
  public Faults stall(String pathPrefix) {
    requireNonNull(pathPrefix, "pathPrefix");
    rules.add(new Rule(pathPrefix, Kind.STALL, 0, "", null, new CountDownLatch(1)));
    return this;
  }

  @Override
  public Faults stall(String pathPrefix, Duration delay) {
    requireNonNull(pathPrefix, "pathPrefix");
    requireNonNull(delay, "delay");
    rules.add(new Rule(pathPrefix, Kind.STALL, 0, "", delay, new CountDownLatch(1)));
    return this;
  }

  @Override
  public Faults release(String pathPrefix) {
    requireNonNull(pathPrefix, "pathPrefix");
    for (Rule rule : rules) {
      if (rule.kind() == Kind.STALL && rule.prefix().equals(pathPrefix)) {
        rules.remove(rule);
        rule.released().countDown();
      }
    }
    return this;
  }

  @Override
  public Faults garbage(String pathPrefix) {
    requireNonNull(pathPrefix, "pathPrefix");
    rules.add(new Rule(pathPrefix, Kind.GARBAGE, 200, "", null, null));
    return this;
  }

  @Override
  public Faults resetMidBody(String pathPrefix) {
    requireNonNull(pathPrefix, "pathPrefix");
    rules.add(new Rule(pathPrefix, Kind.RESET, 0, "", null, null));
    return this;
  }

  @Override
  public Faults clear() {
    for (Rule rule : rules) {
      rules.remove(rule);
      if (rule.released() != null) {
        rule.released().countDown();
      }
    }
    return this;
  }

  /** Releases and removes every stall (agent stopping); other faults stay. */
  public void releaseStalls() {
    for (Rule rule : rules) {
      if (rule.kind() == Kind.STALL) {
        rules.remove(rule);
        rule.released().countDown();
      }
    }
  }

  /** Returns the first rule matching {@code path}. */
  public Optional<Rule> match(String path) {
    return rules.stream().filter(r -> path.startsWith(r.prefix())).findFirst();
  }

  /** Holds the calling request as {@code rule} says. */
  public static void hold(Rule rule) {
    try {
      if (rule.delay() != null) {
        rule.released().await(rule.delay().toNanos(), TimeUnit.NANOSECONDS);
      } else {
        rule.released().await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
