package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

import dev.connectnative.testkit.internal.AgentCore;
import dev.connectnative.testkit.internal.Catalog;
import dev.connectnative.testkit.internal.FaultInjector;
import dev.connectnative.testkit.internal.Http1Server;
import dev.connectnative.testkit.internal.HttpFront;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process stand-in for a {@code consul agent -dev} (Consul 1.10.4) serving the Connect HTTP
 * API on loopback: CA roots and leaves from a built-in CA, authorize, intentions and {@code
 * service-intentions} config entries, service registration with TTL checks, health and catalog
 * discovery, prepared queries, CA rotation, optional ACLs, and faults on demand.
 *
 * <pre>{@code
 * try (DevAgent agent = DevAgent.builder().start()) {
 *   agent.registerService("echo", 9090);
 *   agent.createIntention("web", "echo", IntentionAction.ALLOW);
 *   // point the code under test at agent.address() (what CONSUL_HTTP_ADDR takes)
 * }
 * }</pre>
 *
 * <p>Status codes, headers, JSON layout and error texts follow recordings of the real agent.
 * Blocking queries ({@code ?index=&wait=}) behave like Consul's. The HTTP/1.1 front writes header
 * names, their order and the body framing the way Consul's Go server does ({@code Content-Length}
 * up to 2 KiB, chunked above). Connections are served by a bounded pool of named daemon threads
 * ({@code connect-devagent-http-<port>-<n>}, accepted by {@code connect-devagent-accept-<port>}).
 * All methods are thread-safe. {@link #stop()}, {@link #restart()} and {@link #close()} free the
 * port and end those threads before they return; {@link #close()} stops the agent for good and is
 * idempotent.
 */
public final class DevAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevAgent.class);

  private final AgentCore core;
  private final FaultInjector faults = new FaultInjector();
  private final HttpFront front;
  private final Object lifecycle = new Object();
  private int port;
  private Http1Server server;
  private boolean closed;

  private DevAgent(Builder builder) {
    AgentCore.Settings settings =
        new AgentCore.Settings(
            builder.datacenter != null ? builder.datacenter : "dc1",
            builder.nodeName != null ? builder.nodeName : "dev-node",
            UUID.randomUUID(),
            builder.clusterId != null ? builder.clusterId : UUID.randomUUID(),
            builder.leafTtl != null ? builder.leafTtl : Duration.ofHours(72),
            builder.leafRenewJitter != null ? builder.leafRenewJitter : Duration.ofSeconds(30),
            builder.aclMasterToken);
    this.core =
        new AgentCore(
            settings,
            builder.clock != null ? builder.clock : Clock.systemUTC(),
            builder.random != null ? builder.random : new SecureRandom());
    this.front = new HttpFront(core, faults);
    this.port = builder.port != null ? builder.port : 0;
  }

  /**
   * Starts configuring an agent.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns {@code 127.0.0.1:<port>}, the form {@code CONSUL_HTTP_ADDR} takes.
   *
   * @return the address
   */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /**
   * Returns {@code http://127.0.0.1:<port>}.
   *
   * @return the base URL
   */
  public String url() {
    return "http://" + address();
  }

  /**
   * Returns the port the agent listens on (kept across {@link #stop()} and {@link #restart()}).
   *
   * @return the port
   */
  public int port() {
    synchronized (lifecycle) {
      return port;
    }
  }

  /**
   * Returns the trust domain, {@code <cluster-id>.consul}.
   *
   * @return the trust domain
   */
  public String trustDomain() {
    return core.ca().trustDomain();
  }

  /**
   * Returns the datacenter.
   *
   * @return the datacenter
   */
  public String datacenter() {
    return core.settings().datacenter();
  }

  /**
   * Returns the node name.
   *
   * @return the node name
   */
  public String nodeName() {
    return core.settings().nodeName();
  }

  /**
   * Returns the cluster id.
   *
   * @return the cluster id
   */
  public UUID clusterId() {
    return core.settings().clusterId();
  }

  /**
   * Returns the SPIFFE id the agent's leaves carry for {@code service}.
   *
   * @param service the service name
   * @return {@code spiffe://<trust-domain>/ns/default/dc/<dc>/svc/<service>}
   */
  public String serviceUri(String service) {
    requireNonNull(service, "service");
    return "spiffe://" + trustDomain() + "/ns/default/dc/" + datacenter() + "/svc/" + service;
  }

  /**
   * Returns the currently active CA (its root certificate, keys and helpers).
   *
   * @return the active CA
   */
  public TestCa activeCa() {
    return core.locked(() -> core.ca().active().ca());
  }

  /**
   * Registers a Connect-native service with ID = name, address 127.0.0.1 and no checks.
   *
   * @param name the service name
   * @param port the service port
   */
  public void registerService(String name, int port) {
    registerService(ServiceRegistration.builder(name).port(port).build());
  }

  /**
   * Registers (or replaces) a service.
   *
   * @param registration the service
   */
  public void registerService(ServiceRegistration registration) {
    requireNonNull(registration, "registration");
    List<Catalog.CheckDef> checks =
        registration.ttlChecks().stream()
            .map(
                c ->
                    new Catalog.CheckDef(
                        c.id(), c.name(), AgentCore.goDuration(c.ttl()), "critical"))
            .toList();
    Catalog.ServiceDef def =
        new Catalog.ServiceDef(
            registration.id(),
            registration.name(),
            registration.address(),
            registration.port(),
            registration.tags(),
            registration.meta(),
            registration.connectNative(),
            checks);
    core.locked(
        () -> {
          core.catalog().register(def);
          return null;
        });
  }

  /**
   * Deregisters a service by id.
   *
   * @param id the service id
   * @throws IllegalArgumentException if no such service is registered
   */
  public void deregisterService(String id) {
    requireNonNull(id, "id");
    if (!core.locked(() -> core.catalog().deregister(id))) {
      throw new IllegalArgumentException("no service with id \"" + id + "\" is registered");
    }
  }

  /**
   * Sets a TTL check to passing.
   *
   * @param checkId the check id
   * @throws IllegalArgumentException if there is no such check
   */
  public void passCheck(String checkId) {
    updateCheck(checkId, "passing");
  }

  /**
   * Sets a TTL check to warning.
   *
   * @param checkId the check id
   * @throws IllegalArgumentException if there is no such check
   */
  public void warnCheck(String checkId) {
    updateCheck(checkId, "warning");
  }

  /**
   * Sets a TTL check to critical.
   *
   * @param checkId the check id
   * @throws IllegalArgumentException if there is no such check
   */
  public void failCheck(String checkId) {
    updateCheck(checkId, "critical");
  }

  private void updateCheck(String checkId, String status) {
    requireNonNull(checkId, "checkId");
    if (!core.locked(() -> core.catalog().updateCheck(checkId, status, ""))) {
      throw new IllegalArgumentException("no check with id \"" + checkId + "\"");
    }
  }

  /**
   * Creates an intention through the legacy ID-based API ({@code POST /v1/connect/intentions}).
   *
   * @param source the source service name, or {@code *}
   * @param destination the destination service name, or {@code *}
   * @param action allow or deny
   * @return the intention id
   * @throws IllegalStateException if an intention for this pair exists
   */
  public String createIntention(String source, String destination, IntentionAction action) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(action, "action");
    try {
      return core.locked(
          () -> core.intentions().createLegacy(source, destination, action.wireName(), ""));
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Creates or replaces an intention through the exact API ({@code PUT
   * /v1/connect/intentions/exact}); the destination's intentions then lose their legacy ids.
   *
   * @param source the source service name, or {@code *}
   * @param destination the destination service name, or {@code *}
   * @param action allow or deny
   */
  public void upsertIntentionExact(String source, String destination, IntentionAction action) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(action, "action");
    core.locked(
        () -> {
          core.intentions().upsertExact(source, destination, action.wireName(), "");
          return null;
        });
  }

  /**
   * Deletes an intention by id.
   *
   * @param id the id returned by {@link #createIntention}
   * @throws IllegalArgumentException if there is no such intention
   */
  public void deleteIntention(String id) {
    requireNonNull(id, "id");
    if (!core.locked(() -> core.intentions().deleteLegacy(id))) {
      throw new IllegalArgumentException("no intention with id \"" + id + "\"");
    }
  }

  /**
   * Rotates the CA to a new EC P-256 root, cross-signed by the current one. Blocking leaf queries
   * return new leaves within the leaf renew jitter window.
   */
  public void rotateCa() {
    rotateCa(KeyAlgorithm.EC_P256);
  }

  /**
   * Rotates the CA to a new root of {@code algorithm}, cross-signed by the current one. Leaves stay
   * EC P-256, like Consul's.
   *
   * @param algorithm the new root's key algorithm
   */
  public void rotateCa(KeyAlgorithm algorithm) {
    requireNonNull(algorithm, "algorithm");
    core.rotate(algorithm);
  }

  /**
   * Issues a new leaf for {@code service} now and wakes blocking leaf queries for it. Does nothing
   * if no leaf was ever requested for it.
   *
   * @param service the service name
   */
  public void renewLeaf(String service) {
    requireNonNull(service, "service");
    core.leaves().forceRenewal(service);
  }

  /**
   * Creates an ACL token with {@code service:write} on {@code service} and read on all services (no
   * node read, so health results are filtered out for it, as on a real agent).
   *
   * @param service the service the token may write
   * @return the token secret
   * @throws IllegalStateException if ACLs are off
   */
  public String createServiceToken(String service) {
    requireNonNull(service, "service");
    return core.acls().createServiceToken(service);
  }

  /**
   * Returns the fault controls.
   *
   * @return the faults
   */
  public Faults faults() {
    return faults;
  }

  /**
   * Returns every request received so far, oldest first.
   *
   * @return an immutable snapshot of the request log
   */
  public List<RecordedRequest> requests() {
    return List.copyOf(front.log());
  }

  /**
   * Counts the requests whose path starts with {@code pathPrefix}.
   *
   * @param pathPrefix the prefix
   * @return the count
   */
  public int requestCount(String pathPrefix) {
    requireNonNull(pathPrefix, "pathPrefix");
    return (int) front.log().stream().filter(r -> r.path().startsWith(pathPrefix)).count();
  }

  /**
   * Stops serving HTTP: the port is closed, blocked queries and stalled requests are answered at
   * once, idle connections are closed, and the HTTP threads have ended when this returns (a request
   * still busy after a two-second grace has its connection closed). The CA, catalog and intentions
   * are kept for {@link #restart()}. Idempotent.
   */
  public void stop() {
    synchronized (lifecycle) {
      stopServer();
    }
  }

  /**
   * Serves HTTP again on the same port, with the same CA, catalog and intentions.
   *
   * @throws IllegalStateException if the agent is closed
   * @throws UncheckedIOException if the port cannot be bound again
   */
  public void restart() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the dev agent is closed");
      }
      stopServer();
      startServer();
    }
  }

  /** Stops the agent for good; idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
      stopServer();
    }
  }

  @Override
  public String toString() {
    return "DevAgent[" + url() + ", trustDomain=" + trustDomain() + "]";
  }

  private void startServer() {
    core.state().stopping(false);
    try {
      this.server = Http1Server.start(front, core.state().clock(), port);
      this.port = server.port();
      LOG.info("dev agent listening on {}, trust domain {}", "127.0.0.1:" + port, trustDomain());
    } catch (IOException e) {
      throw new UncheckedIOException("dev agent cannot listen on 127.0.0.1:" + port, e);
    }
  }

  private void stopServer() {
    if (server == null) {
      return;
    }
    core.state().stopping(true);
    faults.releaseStalls();
    server.close();
    server = null;
  }

  /**
   * Configures a {@link DevAgent}. Each setting may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private String datacenter;
    private String nodeName;
    private Integer port;
    private Duration leafTtl;
    private Duration leafRenewJitter;
    private String aclMasterToken;
    private UUID clusterId;
    private Clock clock;
    private Random random;

    private Builder() {}

    /**
     * Sets the datacenter. If unset, {@code dc1}.
     *
     * @param datacenter the datacenter
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder datacenter(String datacenter) {
      requireNonNull(datacenter, "datacenter");
      check(this.datacenter, "datacenter");
      this.datacenter = datacenter;
      return this;
    }

    /**
     * Sets the node name. If unset, {@code dev-node} (the real dev agent's default is the host
     * name; the recordings show {@code dev-node}).
     *
     * @param nodeName the node name
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder nodeName(String nodeName) {
      requireNonNull(nodeName, "nodeName");
      check(this.nodeName, "nodeName");
      this.nodeName = nodeName;
      return this;
    }

    /**
     * Sets the loopback port. If unset, 0: an ephemeral port chosen at start.
     *
     * @param port the port
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder port(int port) {
      check(this.port, "port");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is out of range");
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the leaf certificate lifetime. If unset, 72 hours. Leaves are backdated one minute (a
     * tenth of the TTL when it is under 10 minutes) and renewed by blocking queries at a random
     * point between 60% and 90% of their lifetime.
     *
     * @param leafTtl the lifetime
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder leafTtl(Duration leafTtl) {
      requireNonNull(leafTtl, "leafTtl");
      check(this.leafTtl, "leafTtl");
      if (leafTtl.isZero() || leafTtl.isNegative()) {
        throw new IllegalArgumentException("leafTtl must be positive, not " + leafTtl);
      }
      this.leafTtl = leafTtl;
      return this;
    }

    /**
     * Sets the window within which blocking leaf queries return a new leaf after a CA rotation. If
     * unset, 30 seconds like Consul; {@link Duration#ZERO} renews at once.
     *
     * @param jitter the window
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder leafRenewJitter(Duration jitter) {
      requireNonNull(jitter, "jitter");
      check(this.leafRenewJitter, "leafRenewJitter");
      if (jitter.isNegative()) {
        throw new IllegalArgumentException("leafRenewJitter must not be negative, not " + jitter);
      }
      this.leafRenewJitter = jitter;
      return this;
    }

    /**
     * Turns ACLs on with {@code default_policy = "deny"} and this management token. If unset, ACLs
     * are off (everything allowed, intentions default to allow).
     *
     * @param token the management token
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder aclMasterToken(String token) {
      requireNonNull(token, "token");
      check(this.aclMasterToken, "aclMasterToken");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("aclMasterToken must not be empty");
      }
      this.aclMasterToken = token;
      return this;
    }

    /**
     * Sets the cluster id (the trust domain's UUID). If unset, a random UUID.
     *
     * @param clusterId the cluster id
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clusterId(UUID clusterId) {
      requireNonNull(clusterId, "clusterId");
      check(this.clusterId, "clusterId");
      this.clusterId = clusterId;
      return this;
    }

    /**
     * Sets the clock dating certificates and deciding renewals. If unset, the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      check(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * Sets the randomness for renewal points, jitter and blocking-wait jitter. If unset, a {@link
     * SecureRandom}.
     *
     * @param random the source of randomness
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder random(Random random) {
      requireNonNull(random, "random");
      check(this.random, "random");
      this.random = random;
      return this;
    }

    /**
     * Creates the agent and starts serving.
     *
     * @return the running agent
     * @throws UncheckedIOException if the port cannot be bound
     */
    public DevAgent start() {
      DevAgent agent = new DevAgent(this);
      synchronized (agent.lifecycle) {
        agent.startServer();
      }
      return agent;
    }

    private static void check(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " is already set");
      }
    }
  }
}
