package dev.connectnative.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Live threads before a test, compared with the live threads after everything it started was
 * closed. Threads of shared pools that legitimately outlive one test are ignored, by name prefix:
 *
 * <ul>
 *   <li>{@code OkHttp TaskRunner} and {@code Okio Watchdog}: OkHttp's process-wide task runner and
 *       timeout watchdog, idle threads that end on their own after 60 s;
 *   <li>{@code ForkJoinPool.commonPool-worker} and {@code Common-Cleaner}: the JDK's shared pool
 *       (CompletableFuture) and reference cleaner;
 *   <li>{@code awaitility-thread}: Awaitility's poller, ended after each await;
 *   <li>{@code HttpClient-} and {@code Keep-Alive-}: the JDK's HTTP client and keep-alive timers;
 *   <li>{@code Attach Listener}, {@code process reaper}, {@code surefire}: JVM and test harness.
 * </ul>
 */
final class ThreadCensus {
  private static final List<String> SHARED =
      List.of(
          "OkHttp TaskRunner",
          "Okio Watchdog",
          "ForkJoinPool.commonPool-worker",
          "Common-Cleaner",
          "awaitility-thread",
          "HttpClient-",
          "Keep-Alive-",
          "Attach Listener",
          "process reaper",
          "surefire");

  private final Set<Thread> before;
  private final List<String> ignored;

  private ThreadCensus(Set<Thread> before, List<String> ignored) {
    this.before = before;
    this.ignored = ignored;
  }

  /**
   * Counts the threads alive now.
   *
   * @param fixtureThreads name prefixes of threads owned by a longer-lived test fixture, which
   *     stops them itself
   */
  static ThreadCensus take(String... fixtureThreads) {
    return new ThreadCensus(
        Set.copyOf(Thread.getAllStackTraces().keySet()), List.of(fixtureThreads));
  }

  /** Threads started since {@link #take()} that are still alive, shared pools excepted. */
  List<String> newThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !before.contains(t))
        .map(Thread::getName)
        .filter(name -> SHARED.stream().noneMatch(name::startsWith))
        .filter(name -> ignored.stream().noneMatch(name::startsWith))
        .sorted()
        .collect(Collectors.toList());
  }

  /** Waits up to ten seconds for every thread started since {@link #take()} to end. */
  void assertNoLeak() {
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> newThreads().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      assertThat(newThreads()).as("threads still alive after close()").isEmpty();
    }
  }
}
