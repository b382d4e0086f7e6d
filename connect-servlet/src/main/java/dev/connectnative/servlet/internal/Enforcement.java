package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which intentions sources have an initialized filter enforcing them. The connector admits a
 * connection that only L7 permissions may allow solely when such a filter exists, so that
 * forgetting the filter can never turn an L7 intention into full access.
 */
public final class Enforcement {
  private static final Map<Object, Integer> ARMED = new WeakHashMap<>();

  private Enforcement() {}

  /** Records that one more filter enforces {@code source}. */
  public static synchronized void arm(Object source) {
    ARMED.merge(requireNonNull(source, "source"), 1, Integer::sum);
  }

  /** Records that one filter enforcing {@code source} has stopped. */
  public static synchronized void disarm(Object source) {
    ARMED.computeIfPresent(
        requireNonNull(source, "source"), (key, count) -> count == 1 ? null : count - 1);
  }

  /** Whether at least one filter enforces {@code source}. */
  public static synchronized boolean armed(Object source) {
    return ARMED.containsKey(source);
  }
}
