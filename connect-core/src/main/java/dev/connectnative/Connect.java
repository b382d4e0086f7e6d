package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.service.DefaultConnectService;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Entry point: builds a {@link ConnectService}.
 *
 * <pre>{@code
 * ConnectService web = Connect.service("web")
 *     .agent(AgentConfig.builder().address("127.0.0.1:8500").build())
 *     .listener(new ConnectListener() {
 *       public void onIdentityRotated(IdentitySnapshot previous, IdentitySnapshot current) {
 *         log.info("now serving leaf {}", current.leaf().serialNumber());
 *       }
 *     })
 *     .build();
 * }</pre>
 */
public final class Connect {
  private Connect() {}

  /**
   * Starts building the service {@code name}.
   *
   * @param name the service name as registered with Consul; its leaf certificate is requested under
   *     this name
   * @return a builder
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty or holds '/' or whitespace
   */
  public static Builder service(String name) {
    return new Builder(name);
  }

  /**
   * Configures and builds a {@link ConnectService}. Each setting may be set once; a second call
   * throws {@link IllegalStateException}. Not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final String name;
    private AgentConfig agent;
    private IdentitySource identitySource;
    private TrustDomainPolicy trustDomainPolicy;
    private ConnectListener listener;
    private Clock clock;
    private ScheduledExecutorService executor;

    private Builder(String name) {
      requireNonNull(name, "name");
      if (name.isEmpty() || name.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
        throw new IllegalArgumentException(
            "service name must be non-empty, without '/' or whitespace: \"" + name + "\"");
      }
      this.name = name;
    }

    /**
     * Sets how to reach the local Consul agent. If unset, {@link AgentConfig#fromEnvironment()}
     * ({@code CONSUL_HTTP_ADDR}, {@code CONSUL_HTTP_TOKEN}, …).
     *
     * @param agent the agent settings
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder agent(AgentConfig agent) {
      this.agent = once(this.agent, agent, "agent");
      return this;
    }

    /**
     * Sets where the identity comes from instead of the agent, e.g. a {@link StaticIdentitySource}.
     * The service does not close it. If unset, the agent's {@code /v1/agent/connect/ca/roots} and
     * {@code /v1/agent/connect/ca/leaf/<name>}, followed with blocking queries.
     *
     * @param identitySource the source
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder identitySource(IdentitySource identitySource) {
      this.identitySource = once(this.identitySource, identitySource, "identitySource");
      return this;
    }

    /**
     * Sets which trust domains peers may come from. If unset, {@link
     * TrustDomainPolicy#OWN_TRUST_DOMAIN}.
     *
     * @param policy the policy
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder trustDomainPolicy(TrustDomainPolicy policy) {
      this.trustDomainPolicy = once(this.trustDomainPolicy, policy, "trustDomainPolicy");
      return this;
    }

    /**
     * Sets the listener told about rotations and agent errors. If unset, none.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder listener(ConnectListener listener) {
      this.listener = once(this.listener, listener, "listener");
      return this;
    }

    /**
     * Sets the clock certificates are checked against and watches are timed with. If unset, the
     * system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      this.clock = once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler the service's watches and checks run on. The caller owns it: the service
     * never shuts it down. If unset, the service starts one daemon thread named {@code
     * connect-<name>} and stops it on {@link ConnectService#close()}.
     *
     * @param executor the scheduler
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Builds the service and starts following its identity; returns at once without waiting for the
     * agent. Use {@link ConnectService#awaitReady(java.time.Duration)} to wait.
     *
     * @return the running service
     * @throws IllegalArgumentException if the agent settings cannot be used (e.g. an unreadable
     *     token file or CA file)
     */
    public ConnectService build() {
      return new DefaultConnectService(
          name,
          agent,
          identitySource,
          trustDomainPolicy == null ? TrustDomainPolicy.OWN_TRUST_DOMAIN : trustDomainPolicy,
          listener == null ? new ConnectListener() {} : listener,
          clock == null ? Clock.systemUTC() : clock,
          executor);
    }

    private static <T> T once(T current, T value, String what) {
      requireNonNull(value, what);
      if (current != null) {
        throw new IllegalStateException(what + " is already set");
      }
      return value;
    }
  }
}
