package dev.connectnative.internal.registration;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.ServiceRegistration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this instance with the local agent as Connect-native ({@code "Connect": {"Native":
 * true}}) with a TTL check, keeps the check passing, and deregisters on {@link #close()}.
 *
 * <p>The check's TTL is {@link #TTL} and it is passed every third of that on the caller's
 * scheduler, so the instance turns critical (and leaves {@code ?passing} answers) when the process
 * hangs or dies; the agent removes an instance critical for {@link #DEREGISTER_AFTER}. A failed
 * registration or check update is logged and retried on the next tick.
 */
public final class SelfRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SelfRegistration.class);

  /** The TTL of the instance's check. */
  public static final Duration TTL = Duration.ofSeconds(30);

  /** How long a critical instance stays registered. */
  public static final Duration DEREGISTER_AFTER = Duration.ofMinutes(1);

  private final AgentClient agent;
  private final ServiceRegistration registration;
  private final ScheduledFuture<?> heartbeat;
  private volatile boolean registered;
  private volatile boolean closed;

  private SelfRegistration(
      AgentClient agent, ServiceRegistration registration, ScheduledExecutorService scheduler) {
    this.agent = agent;
    this.registration = registration;
    long period = TTL.toMillis() / 3;
    this.heartbeat = scheduler.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts registering {@code name} at {@code address:port}; the first registration runs at once on
   * the scheduler.
   *
   * @param agent the agent client, owned by the caller
   * @param name the service name
   * @param address the address others dial, or an empty string for the agent's node address
   * @param port the port others dial
   * @param scheduler runs the registration and the check updates; owned by the caller
   * @return the running registration
   */
  public static SelfRegistration start(
      AgentClient agent,
      String name,
      String address,
      int port,
      ScheduledExecutorService scheduler) {
    requireNonNull(agent, "agent");
    requireNonNull(name, "name");
    requireNonNull(address, "address");
    requireNonNull(scheduler, "scheduler");
    ServiceRegistration registration =
        new ServiceRegistration(
            name + "-" + port, name, address, port, List.of(), Map.of(), TTL, DEREGISTER_AFTER);
    return new SelfRegistration(agent, registration, scheduler);
  }

  /** The instance ID registered, {@code <name>-<port>}. */
  public String id() {
    return registration.id();
  }

  /** Whether the instance is registered now. */
  public boolean registered() {
    return registered;
  }

  private synchronized void tick() {
    if (closed) {
      return;
    }
    try {
      if (!registered) {
        agent.registerService(registration);
        registered = true;
        LOG.info(
            "registered {} as {} on port {}",
            registration.name(),
            registration.id(),
            registration.port());
      }
      agent.passTtlCheck(registration.ttlCheckId());
    } catch (AgentException e) {
      if (e.status() == 404 || e.status() == 500) {
        registered = false;
      }
      LOG.warn("keeping {} registered failed: {}", registration.id(), e.getMessage());
    }
  }

  /** Stops the check updates and deregisters the instance. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.cancel(false);
    if (registered) {
      try {
        agent.deregisterService(registration.id());
        registered = false;
      } catch (AgentException e) {
        LOG.warn("deregistering {} failed: {}", registration.id(), e.getMessage());
      }
    }
  }
}
