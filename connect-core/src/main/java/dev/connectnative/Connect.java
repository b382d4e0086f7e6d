package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.net.DialAcceptSettings;
import dev.connectnative.internal.service.DefaultConnectService;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLSocket;

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
  /** The system property naming the process-wide default service. */
  public static final String SERVICE_PROPERTY = "connectnative.service";

  /** The environment variable naming the default service when the property is not set. */
  public static final String SERVICE_ENV = "CONNECT_SERVICE_NAME";

  private static final Object DEFAULT_LOCK = new Object();
  private static ConnectService defaultService;

  private Connect() {}

  /**
   * Dials {@code service} as the process-wide default service; see {@link #dial(String,
   * DialOptions)}.
   *
   * <pre>{@code
   * // java -Dconnectnative.service=web ...
   * try (SSLSocket socket = Connect.dial("echo")) {
   *   ...
   * }
   * }</pre>
   *
   * @param service the service to reach
   * @return a connected socket, handshake completed
   * @throws IOException as {@link #dial(String, DialOptions)}
   */
  public static SSLSocket dial(String service) throws IOException {
    return dial(service, DialOptions.DEFAULTS);
  }

  /**
   * Dials {@code service} as the process-wide default service: the one set with {@link
   * #setDefaultService}, or else one built on first use with {@code Connect.service(name).build()},
   * its name taken from the system property {@value #SERVICE_PROPERTY} or, if unset, the
   * environment variable {@value #SERVICE_ENV}, and its agent from the environment ({@code
   * CONSUL_HTTP_ADDR}, …). Waits for the default service to be ready for at most {@link
   * DialOptions#timeout()}, then dials as {@link ConnectService#dial(String, DialOptions)}. The
   * default service lives as long as the JVM (its threads are daemons).
   *
   * @param service the service to reach
   * @param options where to look and how long to wait
   * @return a connected socket, handshake completed
   * @throws IOException if no default service is named, it does not become ready in time, or the
   *     dial fails; the message says which
   */
  public static SSLSocket dial(String service, DialOptions options) throws IOException {
    requireNonNull(service, "service");
    requireNonNull(options, "options");
    ConnectService self = defaultService();
    try {
      self.awaitReady(options.timeout());
    } catch (NotReadyException e) {
      throw new IOException("cannot dial \"" + service + "\": " + e.getMessage(), e);
    }
    return self.dial(service, options);
  }

  /**
   * Installs the process-wide default service used by {@link #dial(String)}, instead of the one
   * named by configuration. The caller keeps owning it.
   *
   * @param service the service
   * @throws IllegalStateException if a default service is already set or was already built
   */
  public static void setDefaultService(ConnectService service) {
    requireNonNull(service, "service");
    synchronized (DEFAULT_LOCK) {
      if (defaultService != null) {
        throw new IllegalStateException(
            "the default service is already \"" + defaultService.name() + "\"");
      }
      defaultService = service;
    }
  }

  /**
   * Returns the process-wide default service, building it on first use; see {@link #dial(String,
   * DialOptions)}.
   *
   * @return the default service
   * @throws IOException if neither {@value #SERVICE_PROPERTY} nor {@value #SERVICE_ENV} names one
   */
  public static ConnectService defaultService() throws IOException {
    synchronized (DEFAULT_LOCK) {
      if (defaultService == null) {
        String name = System.getProperty(SERVICE_PROPERTY);
        if (name == null || name.isBlank()) {
          name = System.getenv(SERVICE_ENV);
        }
        if (name == null || name.isBlank()) {
          throw new IOException(
              "no default Connect service: set the system property "
                  + SERVICE_PROPERTY
                  + " or the environment variable "
                  + SERVICE_ENV
                  + " to this service's name, or call Connect.setDefaultService");
        }
        defaultService = service(name.strip()).build();
      }
      return defaultService;
    }
  }

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
    private Authorizer authorizer;
    private Resolver resolver;
    private Duration authorizationGrace;
    private Boolean sessionResumption;
    private String registerAddress;
    private int registerPort;
    private TlsProvider tlsProvider;

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
     * Sets who decides which clients may connect. If unset, the agent's {@code
     * /v1/agent/connect/authorize}, cached (positive decisions 10 s, negative 2 s) and failing
     * closed; with an {@link #identitySource} and no {@link #agent}, every client is refused until
     * an authorizer is set.
     *
     * @param authorizer the authorizer
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = once(this.authorizer, authorizer, "authorizer");
      return this;
    }

    /**
     * Sets how dials find instances. If unset, the agent's {@code /v1/health/connect/<service>},
     * watched per target, and its prepared queries; with an {@link #identitySource} and no {@link
     * #agent}, only static addresses can be dialed.
     *
     * @param resolver the resolver; the service does not close it
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder resolver(Resolver resolver) {
      this.resolver = once(this.resolver, resolver, "resolver");
      return this;
    }

    /**
     * Lets the default authorizer reuse a positive decision for up to {@code grace} after it
     * expired when the agent cannot be asked (agent restart, network blip). Off (zero) if unset:
     * every agent failure refuses the client. Has no effect with a custom {@link #authorizer}.
     *
     * @param grace how long past its expiry a positive decision may be reused
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if negative
     */
    public Builder authorizationGrace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative: " + grace);
      }
      this.authorizationGrace = once(this.authorizationGrace, grace, "authorizationGrace");
      return this;
    }

    /**
     * Registers this instance with the agent as Connect-native ({@code "Connect": {"Native":
     * true}}), ID {@code <name>-<port>}, with a 30 s TTL check kept passing while the service runs,
     * and deregisters it on {@link ConnectService#close()}. The agent removes an instance whose
     * check stayed critical for a minute. If unset, nothing is registered.
     *
     * @param address the address other services dial, or an empty string for the agent's node
     *     address
     * @param port the port other services dial
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if the port is not in 1..65535
     */
    public Builder register(String address, int port) {
      requireNonNull(address, "address");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.registerAddress = once(this.registerAddress, address, "register");
      this.registerPort = port;
      return this;
    }

    /**
     * Turns TLS session resumption on or off. If unset, on: a dial offers the session of an earlier
     * connection to the same service, made under the current identity revision, and the service's
     * server sockets resume such sessions, which skips the certificate exchange and signatures of a
     * full handshake. Every connection is checked all the same: the server authorizes each client
     * and checks its leaf's validity after every handshake, the dialer compares the server's
     * identity and checks both leaves. No session outlives a root or leaf rotation. With {@code
     * false} this service's server sockets neither issue nor accept session tickets, so every
     * connection to it is a full handshake, and its dials with the JDK provider offer no session
     * (Conscrypt dials still offer tickets that other servers issued them; those servers check
     * every connection all the same).
     *
     * @param enabled {@code false} for full handshakes only
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder sessionResumption(boolean enabled) {
      this.sessionResumption = once(this.sessionResumption, enabled, "sessionResumption");
      return this;
    }

    /**
     * Chooses the TLS implementation of the service's {@code SSLContext}, which its dials, server
     * sockets and HTTP clients use. {@link TlsProvider#CONSCRYPT} is the fast configuration: a full
     * mutual-TLS handshake costs a fraction of the JDK's CPU; add {@code
     * org.conscrypt:conscrypt-openjdk-uber} (an optional dependency of connectnative) to the class
     * path. {@link TlsProvider#AUTO} uses Conscrypt when it loads and the JDK otherwise. The
     * service logs the provider in use at INFO when it is built. If unset, {@link TlsProvider#JDK}.
     *
     * @param tlsProvider the provider
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tlsProvider(TlsProvider tlsProvider) {
      this.tlsProvider = once(this.tlsProvider, tlsProvider, "tlsProvider");
      return this;
    }

    /**
     * Builds the service and starts following its identity; returns at once without waiting for the
     * agent. Use {@link ConnectService#awaitReady(java.time.Duration)} to wait.
     *
     * @return the running service
     * @throws IllegalArgumentException if the agent settings cannot be used (e.g. an unreadable
     *     token file or CA file)
     * @throws IllegalStateException if {@link TlsProvider#CONSCRYPT} was chosen and cannot be
     *     loaded
     */
    public ConnectService build() {
      return new DefaultConnectService(
          name,
          agent,
          identitySource,
          trustDomainPolicy == null ? TrustDomainPolicy.OWN_TRUST_DOMAIN : trustDomainPolicy,
          listener == null ? new ConnectListener() {} : listener,
          clock == null ? Clock.systemUTC() : clock,
          executor,
          new DialAcceptSettings(
              authorizer,
              resolver,
              authorizationGrace == null ? Duration.ZERO : authorizationGrace,
              registerAddress,
              registerPort,
              sessionResumption == null || sessionResumption),
          tlsProvider == null ? TlsProvider.JDK : tlsProvider);
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
