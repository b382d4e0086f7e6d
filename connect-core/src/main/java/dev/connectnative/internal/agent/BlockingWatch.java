package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one agent endpoint with Consul blocking queries and reports value changes.
 *
 * <p>The loop follows Consul's rules for blocking-query clients: it sends {@code ?index=&wait=},
 * resets the index to 0 when the agent's index goes backwards, never blocks on an index below 1,
 * waits at least {@code minInterval} between the starts of two queries, backs off with full jitter
 * on errors (reset after a success), and reads with a timeout longer than {@code wait + wait/16}.
 * The first query after a failure does not block, so that recovery is seen at once. A 403 puts the
 * watch in {@link State#PERMISSION_DENIED}: it is logged once at WARN and retried every {@code
 * permissionDeniedRetry}.
 *
 * <p>No thread is parked per watch: queries run as asynchronous OkHttp calls and all bookkeeping
 * and listener calls happen on a scheduler (by default one daemon thread {@code
 * connect-watch-<name>} owned by the watch; a scheduler passed in is shared and never shut down by
 * the watch). {@link #close()} cancels the in-flight HTTP call, whose socket is closed at once.
 *
 * @param <T> the watched value type
 */
public final class BlockingWatch<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockingWatch.class);

  /** What the watch is doing. */
  public enum State {
    /** No answer yet. */
    STARTING,
    /** The last query succeeded. */
    OK,
    /** The last query failed; retrying with backoff. */
    FAILING,
    /** The agent answered 403; retrying slowly. */
    PERMISSION_DENIED,
    /** Closed. */
    CLOSED
  }

  private final String name;
  private final Function<QueryOptions, AgentCall<T>> query;
  private final WatchListener<T> listener;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Clock clock;
  private final Random random;
  private final Duration maxWait;
  private final Duration minInterval;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final Duration permissionDeniedRetry;

  // Guarded by "this"; the volatile ones are also read without the lock.
  private long index;
  private long generation;
  private long lastStartMillis = Long.MIN_VALUE;
  private boolean started;
  private CompletableFuture<Indexed<T>> inFlight;
  private ScheduledFuture<?> next;
  private int failures;
  private volatile boolean closed;
  private volatile State state = State.STARTING;
  private volatile Indexed<T> latest;
  private volatile AgentException lastError;

  private BlockingWatch(Builder<T> b) {
    this.name = b.name;
    this.query = b.query;
    this.listener = b.listener;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.random = b.random == null ? new Random() : b.random;
    this.maxWait = b.maxWait == null ? QueryOptions.DEFAULT_WAIT : b.maxWait;
    this.minInterval = b.minInterval == null ? Duration.ofSeconds(1) : b.minInterval;
    this.backoffBase = b.backoffBase == null ? Duration.ofSeconds(1) : b.backoffBase;
    this.backoffCap = b.backoffCap == null ? Duration.ofSeconds(30) : b.backoffCap;
    this.permissionDeniedRetry =
        b.permissionDeniedRetry == null ? Duration.ofSeconds(30) : b.permissionDeniedRetry;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      String threadName = "connect-watch-" + name;
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      this.ownsScheduler = true;
    }
  }

  /**
   * Starts building a watch.
   *
   * @param name short name for threads and logs, e.g. {@code roots} or {@code leaf-web}
   * @param query makes the call for given query options, e.g. {@code o -> client.rootsCall(o)}
   * @param <T> the watched value type
   * @return the builder
   */
  public static <T> Builder<T> builder(String name, Function<QueryOptions, AgentCall<T>> query) {
    return new Builder<>(name, query);
  }

  /** The watch's name. */
  public String name() {
    return name;
  }

  /** What the watch is doing now. */
  public State state() {
    return state;
  }

  /** The last value received and its index, if any. */
  public Optional<Indexed<T>> latest() {
    return Optional.ofNullable(latest);
  }

  /** The error of the last query if it failed; empty once a query succeeds. */
  public Optional<AgentException> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Starts the loop: the first query is sent at once.
   *
   * @return this watch
   * @throws IllegalStateException if already started or closed
   */
  public synchronized BlockingWatch<T> start() {
    if (closed || started) {
      throw new IllegalStateException("watch " + name + " was already started or closed");
    }
    started = true;
    schedule(generation, 0);
    return this;
  }

  /**
   * Abandons the in-flight query and sends a new one now, blocking on the current index, without
   * waiting for the minimum interval. Used when the caller knows the value must have changed (e.g.
   * the leaf after a root rotation).
   */
  public synchronized void refresh() {
    if (closed || !started) {
      return;
    }
    cancelPending();
    generation++;
    schedule(generation, 0);
  }

  /**
   * Stops the watch: cancels the in-flight HTTP call and any scheduled retry, and shuts the watch's
   * own scheduler thread down. Idempotent; the listener is not called afterwards.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      generation++;
      state = State.CLOSED;
      cancelPending();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private void cancelPending() {
    if (inFlight != null) {
      inFlight.cancel(true);
      inFlight = null;
    }
    if (next != null) {
      next.cancel(false);
      next = null;
    }
  }

  private void schedule(long gen, long delayMillis) {
    try {
      next = scheduler.schedule(() -> iterate(gen), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.warn("watch {}: scheduler rejected the next query; the watch stops", name);
      }
    }
  }

  private synchronized void iterate(long gen) {
    if (closed || gen != generation) {
      return;
    }
    next = null;
    lastStartMillis = clock.millis();
    // After a failure, ask without blocking: a recovered agent then shows up at once instead of
    // after a whole wait with no change.
    QueryOptions options =
        index == 0 || failures > 0 ? QueryOptions.NONE : QueryOptions.blocking(index, maxWait);
    CompletableFuture<Indexed<T>> call;
    try {
      call = query.apply(options).executeAsync();
    } catch (RuntimeException e) {
      onResult(gen, null, e);
      return;
    }
    inFlight = call;
    call.whenComplete(
        (result, error) -> {
          try {
            scheduler.execute(() -> onResult(gen, result, error));
          } catch (RejectedExecutionException e) {
            // closed meanwhile
          }
        });
  }

  private synchronized void onResult(long gen, Indexed<T> result, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    inFlight = null;
    if (error != null) {
      onFailure(gen, unwrap(error));
    } else {
      onSuccess(gen, result);
    }
  }

  private void onSuccess(long gen, Indexed<T> result) {
    if (failures > 0) {
      LOG.info("watch {}: agent answered again after {} failed queries", name, failures);
      int failed = failures;
      failures = 0;
      listener.onRecovered(failed);
    }
    lastError = null;
    state = State.OK;
    long received = Math.max(result.index(), 1);
    if (received < index) {
      LOG.debug("watch {}: index went backwards ({} -> {}), reading afresh", name, index, received);
      index = 0;
    } else {
      index = received;
    }
    Indexed<T> previous = latest;
    latest = result;
    if (previous == null || !Objects.equals(previous.value(), result.value())) {
      listener.onChange(result.value(), result.index());
    }
    schedule(gen, Math.max(0, minInterval.toMillis() - elapsedMillis()));
  }

  private void onFailure(long gen, AgentException error) {
    failures++;
    lastError = error;
    State previous = state;
    long delay;
    if (error.isPermissionDenied()) {
      state = State.PERMISSION_DENIED;
      if (previous != State.PERMISSION_DENIED) {
        LOG.warn(
            "watch {}: {}; the ACL token lacks permission, retrying every {} ms",
            name,
            error.getMessage(),
            permissionDeniedRetry.toMillis());
      } else {
        LOG.debug("watch {}: still denied: {}", name, error.getMessage());
      }
      delay = permissionDeniedRetry.toMillis();
    } else {
      state = State.FAILING;
      if (failures == 1) {
        LOG.warn("watch {}: {}; retrying with backoff", name, error.getMessage());
      } else {
        LOG.debug("watch {}: failure {} in a row: {}", name, failures, error.getMessage());
      }
      delay = backoffMillis();
    }
    listener.onError(error, failures);
    schedule(gen, Math.max(delay, minInterval.toMillis() - elapsedMillis()));
  }

  /** Full jitter: uniformly random in [0, min(cap, base * 2^(failures-1))]. */
  private long backoffMillis() {
    return fullJitter(failures, backoffBase, backoffCap, random);
  }

  static long fullJitter(int failures, Duration base, Duration cap, Random random) {
    long ceiling = base.toMillis();
    for (int i = 1; i < failures && ceiling < cap.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, cap.toMillis());
    return ceiling <= 0 ? 0 : (long) (random.nextDouble() * (ceiling + 1));
  }

  private long elapsedMillis() {
    return clock.millis() - lastStartMillis;
  }

  private AgentException unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof AgentException a) {
      return a;
    }
    return new AgentException("watch " + name + ": query failed: " + t, 0, "", t);
  }

  /**
   * Builds a {@link BlockingWatch}. Each setting may be set once.
   *
   * @param <T> the watched value type
   */
  public static final class Builder<T> {
    private final String name;
    private final Function<QueryOptions, AgentCall<T>> query;
    private WatchListener<T> listener;
    private ScheduledExecutorService scheduler;
    private Clock clock;
    private Random random;
    private Duration maxWait;
    private Duration minInterval;
    private Duration backoffBase;
    private Duration backoffCap;
    private Duration permissionDeniedRetry;

    private Builder(String name, Function<QueryOptions, AgentCall<T>> query) {
      this.name = requireNonNull(name, "name");
      this.query = requireNonNull(query, "query");
    }

    /** Receives changes and errors. Required. */
    public Builder<T> listener(WatchListener<T> listener) {
      this.listener = once(this.listener, listener, "listener");
      return this;
    }

    /** A shared scheduler, never shut down by the watch. If unset, one daemon thread. */
    public Builder<T> scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = once(this.scheduler, scheduler, "scheduler");
      return this;
    }

    /** Time source for the minimum interval. If unset, the system clock. */
    public Builder<T> clock(Clock clock) {
      this.clock = once(this.clock, clock, "clock");
      return this;
    }

    /** Randomness for backoff jitter. If unset, a new {@link Random}. */
    public Builder<T> random(Random random) {
      this.random = once(this.random, random, "random");
      return this;
    }

    /** The {@code wait} of each blocking query. If unset, 5 minutes (Consul's default). */
    public Builder<T> maxWait(Duration maxWait) {
      this.maxWait = once(this.maxWait, positive(maxWait, "maxWait"), "maxWait");
      if (maxWait.compareTo(QueryOptions.MAX_WAIT) > 0) {
        throw new IllegalArgumentException("maxWait must be at most 10 minutes: " + maxWait);
      }
      return this;
    }

    /** The least time between the starts of two queries. If unset, 1 second. */
    public Builder<T> minInterval(Duration minInterval) {
      this.minInterval =
          once(this.minInterval, notNegative(minInterval, "minInterval"), "minInterval");
      return this;
    }

    /** The first backoff ceiling after an error (doubling per error). If unset, 1 second. */
    public Builder<T> backoffBase(Duration backoffBase) {
      this.backoffBase =
          once(this.backoffBase, notNegative(backoffBase, "backoffBase"), "backoffBase");
      return this;
    }

    /** The largest backoff ceiling. If unset, 30 seconds. */
    public Builder<T> backoffCap(Duration backoffCap) {
      this.backoffCap = once(this.backoffCap, notNegative(backoffCap, "backoffCap"), "backoffCap");
      return this;
    }

    /** The retry interval while the agent answers 403. If unset, 30 seconds. */
    public Builder<T> permissionDeniedRetry(Duration retry) {
      this.permissionDeniedRetry =
          once(
              this.permissionDeniedRetry,
              notNegative(retry, "permissionDeniedRetry"),
              "permissionDeniedRetry");
      return this;
    }

    /**
     * Builds the watch, not yet started.
     *
     * @return the watch
     * @throws IllegalStateException if no listener was set
     */
    public BlockingWatch<T> build() {
      if (listener == null) {
        throw new IllegalStateException("listener is required");
      }
      return new BlockingWatch<>(this);
    }

    private static <V> V once(V current, V value, String what) {
      requireNonNull(value, what);
      if (current != null) {
        throw new IllegalStateException(what + " was already set");
      }
      return value;
    }

    private static Duration notNegative(Duration d, String what) {
      requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + d);
      }
      return d;
    }

    private static Duration positive(Duration d, String what) {
      requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
