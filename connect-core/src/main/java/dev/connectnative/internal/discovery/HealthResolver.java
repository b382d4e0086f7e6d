package dev.connectnative.internal.discovery;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import dev.connectnative.ConnectException;
import dev.connectnative.DialOptions;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.internal.agent.HealthQuery;
import dev.connectnative.internal.agent.ServiceEntry;
import dev.connectnative.internal.agent.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves services through {@code GET /v1/health/connect/<service>?passing}, with one blocking
 * watch per (service, datacenter, namespace, partition, filter) shared by every dial.
 *
 * <p>The first dial of a target starts its watch and waits for the first answer (or fails with the
 * agent's error); later dials read the latest answer and make no agent call. While the agent is
 * failing, the last known instances keep being served. A watch not used for {@code idleTimeout} is
 * stopped by a sweep on the scheduler and started afresh on the next dial. {@link #close()} stops
 * every watch; the scheduler belongs to the caller.
 */
public final class HealthResolver implements Resolver {
  private static final Logger LOG = LoggerFactory.getLogger(HealthResolver.class);

  /** Default time after which an unused watch is stopped: 10 minutes. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /** What a watch is for. */
  record Key(String service, String datacenter, String namespace, String partition, String filter) {
    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(service);
      if (datacenter != null) {
        s.append(" in ").append(datacenter);
      }
      if (namespace != null) {
        s.append(" ns=").append(namespace);
      }
      if (partition != null) {
        s.append(" partition=").append(partition);
      }
      if (filter != null) {
        s.append(" filter=").append(filter);
      }
      return s.toString();
    }
  }

  private final AgentClient agent;
  private final Scope scope;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final long idleNanos;
  private final Map<Key, Target> targets = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> sweeper;
  private volatile boolean closed;

  /**
   * Creates the resolver and schedules its idle sweep.
   *
   * @param agent the agent client, owned by the caller
   * @param localDatacenter gives the local datacenter, for entries that name none
   * @param scheduler runs the watches' bookkeeping and the idle sweep; owned by the caller
   * @param idleTimeout how long an unused watch lives
   * @param nanoTime the time source of the idle timeout
   */
  public HealthResolver(
      AgentClient agent,
      Supplier<String> localDatacenter,
      ScheduledExecutorService scheduler,
      Duration idleTimeout,
      LongSupplier nanoTime) {
    this.agent = requireNonNull(agent, "agent");
    this.scope = new Scope(agent.config(), localDatacenter);
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.idleNanos = requireNonNull(idleTimeout, "idleTimeout").toNanos();
    long period = Math.max(1, idleTimeout.toMillis() / 2);
    this.sweeper =
        scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions options) {
    requireNonNull(name, "name");
    requireNonNull(options, "options");
    if (closed) {
      return CompletableFuture.failedFuture(
          new ConnectException("cannot resolve \"" + name + "\": the resolver is closed"));
    }
    Key key =
        new Key(
            name,
            options.datacenter().orElse(null),
            scope.namespaceParam(options),
            scope.partitionParam(options),
            options.filter().orElse(null));
    Target target = targets.computeIfAbsent(key, k -> new Target(k, options));
    return target.read();
  }

  /** The number of running watches. */
  public int watchCount() {
    return targets.size();
  }

  /** Stops the watches no dial used within the idle timeout. */
  void sweep() {
    long now = nanoTime.getAsLong();
    for (Target t : new ArrayList<>(targets.values())) {
      if (now - t.lastUsed > idleNanos && targets.remove(t.key, t)) {
        LOG.debug("stopping the unused health watch for {}", t.key);
        t.stop();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    sweeper.cancel(false);
    for (Target t : new ArrayList<>(targets.values())) {
      targets.remove(t.key, t);
      t.stop();
    }
  }

  /** One watched target and what it last saw. */
  private final class Target implements WatchListener<List<ServiceEntry>> {
    final Key key;
    final String namespace;
    final String partition;
    final String datacenter;
    final BlockingWatch<List<ServiceEntry>> watch;
    volatile long lastUsed;
    volatile List<ServiceInstance> current;
    private CompletableFuture<List<ServiceInstance>> first = new CompletableFuture<>();

    Target(Key key, DialOptions options) {
      this.key = key;
      this.namespace = scope.namespace(options);
      this.partition = scope.partition(options);
      this.datacenter = key.datacenter();
      this.lastUsed = nanoTime.getAsLong();
      HealthQuery query =
          new HealthQuery(
              true, key.datacenter(), key.namespace(), key.partition(), key.filter(), null);
      this.watch =
          BlockingWatch.builder(
                  "health-" + key.service(), o -> agent.healthConnectCall(key.service(), query, o))
              .scheduler(scheduler)
              .listener(this)
              .build()
              .start();
    }

    CompletableFuture<List<ServiceInstance>> read() {
      lastUsed = nanoTime.getAsLong();
      List<ServiceInstance> known = current;
      if (known != null) {
        return CompletableFuture.completedFuture(known);
      }
      synchronized (this) {
        return current != null ? CompletableFuture.completedFuture(current) : first.copy();
      }
    }

    /** Stops the watch and fails a dial still waiting for its first answer. */
    void stop() {
      watch.close();
      CompletableFuture<List<ServiceInstance>> waiting;
      synchronized (this) {
        waiting = first;
      }
      waiting.completeExceptionally(
          new ConnectException("the health watch for " + key + " was stopped before it answered"));
    }

    @Override
    public void onChange(List<ServiceEntry> value, long index) {
      String dc = datacenter != null ? datacenter : scope.datacenter(DialOptions.DEFAULTS);
      List<ServiceInstance> instances = Instances.from(value, namespace, partition, dc);
      CompletableFuture<List<ServiceInstance>> waiting;
      synchronized (this) {
        current = instances;
        waiting = first;
      }
      LOG.debug("{}: {} healthy instances (index {})", key, instances.size(), index);
      waiting.complete(instances);
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      CompletableFuture<List<ServiceInstance>> waiting;
      synchronized (this) {
        if (current != null) {
          return;
        }
        waiting = first;
        first = new CompletableFuture<>();
      }
      waiting.completeExceptionally(
          new AgentException(
              "cannot find instances of " + key + ": " + error.getMessage(),
              error.status(),
              error.path(),
              error));
    }
  }
}
