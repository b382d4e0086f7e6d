package dev.connectnative.internal.service;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentConfig;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentityListener;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.IdentityStatus;
import dev.connectnative.NotReadyException;
import dev.connectnative.Resolver;
import dev.connectnative.TlsProvider;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.identity.AgentIdentitySource;
import dev.connectnative.internal.net.DialAccept;
import dev.connectnative.internal.net.DialAcceptSettings;
import dev.connectnative.internal.provider.TlsProviders;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectService} over an {@link IdentitySource}: the agent-backed one by default.
 *
 * <p>Owns, when it created them, the agent client, the identity source and a single daemon
 * scheduler thread {@code connect-<name>}; {@link #close()} stops exactly those. Agent errors and
 * recoveries are pushed by the identity source ({@link IdentityListener#onError}) and passed on to
 * the {@link ConnectListener} as they happen.
 */
public final class DefaultConnectService implements ConnectService {
  private static final Logger log = LoggerFactory.getLogger(DefaultConnectService.class);

  private final String name;
  private final IdentitySource source;
  private final boolean ownsSource;
  private final AgentClient agentClient;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ConnectListener listener;
  private final ConnectKeyManager keyManager;
  private final ConnectTrustManager trustManager;
  private final TlsProviders.Selection tls;
  private final SSLContext sslContext;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final DialAccept dialAccept;

  /**
   * Builds and starts the service; see {@link dev.connectnative.Connect.Builder}.
   *
   * @param agent agent settings, {@code null} for the environment's
   * @param identitySource a caller-owned source, {@code null} to follow the agent
   * @param executor a caller-owned scheduler, {@code null} to start one
   */
  public DefaultConnectService(
      String name,
      AgentConfig agent,
      IdentitySource identitySource,
      TrustDomainPolicy policy,
      ConnectListener listener,
      Clock clock,
      ScheduledExecutorService executor) {
    this(
        name,
        agent,
        identitySource,
        policy,
        listener,
        clock,
        executor,
        DialAcceptSettings.DEFAULTS);
  }

  /**
   * Builds and starts the service with dial and accept settings.
   *
   * @param agent agent settings, {@code null} for the environment's; with a caller-owned identity
   *     source, the agent is used for authorization and discovery only when set explicitly
   * @param identitySource a caller-owned source, {@code null} to follow the agent
   * @param executor a caller-owned scheduler, {@code null} to start one
   * @param settings authorizer, resolver, authorization grace and self-registration
   */
  public DefaultConnectService(
      String name,
      AgentConfig agent,
      IdentitySource identitySource,
      TrustDomainPolicy policy,
      ConnectListener listener,
      Clock clock,
      ScheduledExecutorService executor,
      DialAcceptSettings settings) {
    this(name, agent, identitySource, policy, listener, clock, executor, settings, TlsProvider.JDK);
  }

  /**
   * Builds and starts the service with dial and accept settings and a TLS provider.
   *
   * @param agent agent settings, {@code null} for the environment's; with a caller-owned identity
   *     source, the agent is used for authorization and discovery only when set explicitly
   * @param identitySource a caller-owned source, {@code null} to follow the agent
   * @param executor a caller-owned scheduler, {@code null} to start one
   * @param settings authorizer, resolver, authorization grace and self-registration
   * @param tlsProvider which TLS implementation the context uses (logged once)
   * @throws IllegalStateException if {@code tlsProvider} is {@code CONSCRYPT} and it cannot be
   *     loaded
   */
  public DefaultConnectService(
      String name,
      AgentConfig agent,
      IdentitySource identitySource,
      TrustDomainPolicy policy,
      ConnectListener listener,
      Clock clock,
      ScheduledExecutorService executor,
      DialAcceptSettings settings,
      TlsProvider tlsProvider) {
    requireNonNull(settings, "settings");
    requireNonNull(tlsProvider, "tlsProvider");
    this.name = requireNonNull(name, "name");
    this.listener = requireNonNull(listener, "listener");
    requireNonNull(policy, "policy");
    requireNonNull(clock, "clock");
    this.tls = TlsProviders.select(tlsProvider, name);
    this.ownsScheduler = executor == null;
    this.scheduler = executor == null ? newScheduler(name) : executor;
    try {
      if (identitySource != null) {
        this.agentClient = agent == null ? null : AgentClient.create(agent);
        this.source = identitySource;
        this.ownsSource = false;
      } else {
        this.agentClient =
            AgentClient.create(agent == null ? AgentConfig.fromEnvironment() : agent);
        this.source =
            AgentIdentitySource.builder(agentClient, name)
                .scheduler(scheduler)
                .clock(clock)
                .start();
        this.ownsSource = true;
      }
    } catch (RuntimeException e) {
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      throw e;
    }

    this.keyManager = new ConnectKeyManager(source);
    this.trustManager = new ConnectTrustManager(source, policy, clock);
    this.sslContext =
        ConnectSslContexts.create(
            keyManager, trustManager, tls.provider().orElse(null), settings.sessionResumption());
    source.addListener(new SourceEvents());
    if (source.current().isPresent()) {
      ready.countDown();
    }
    try {
      this.dialAccept =
          new DialAccept(
              name, agentClient, sslContext, trustManager, source, scheduler, listener, settings);
    } catch (RuntimeException e) {
      stopOwned();
      throw e;
    }
  }

  /** Returns the trust manager with its internal hooks, for the dial and accept paths. */
  public ConnectTrustManager connectTrustManager() {
    return trustManager;
  }

  /** Returns the live accepted connections, for adapters that accept connections themselves. */
  public LiveConnections liveConnections() {
    return dialAccept.liveConnections();
  }

  /**
   * Returns the service's agent client, for adapters that ask the agent more (one HTTP client and
   * token per service); empty when the service has no agent. The service owns and closes it.
   */
  public Optional<AgentClient> agentClient() {
    return Optional.ofNullable(agentClient);
  }

  /** Returns the TLS provider in use: {@code JDK} or {@code CONSCRYPT}, never {@code AUTO}. */
  public TlsProvider tlsProvider() {
    return tls.inUse();
  }

  /** Returns the identity source in use. */
  public IdentitySource identitySource() {
    return source;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean isReady() {
    return source.current().isPresent();
  }

  @Override
  public void awaitReady(Duration timeout) {
    requireNonNull(timeout, "timeout");
    try {
      if (ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS) || isReady()) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notReady("interrupted while waiting");
    }
    throw notReady("not ready after " + timeout);
  }

  @Override
  public IdentitySnapshot identity() {
    return source.current().orElseThrow(() -> notReady("not ready"));
  }

  @Override
  public IdentityStatus status() {
    return source.status();
  }

  @Override
  public SSLContext sslContext() {
    return sslContext;
  }

  @Override
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  @Override
  public X509ExtendedTrustManager trustManager() {
    return trustManager;
  }

  @Override
  public SSLSocket dial(String service) throws IOException {
    return dial(service, DialOptions.DEFAULTS);
  }

  @Override
  public SSLSocket dial(String service, DialOptions options) throws IOException {
    requireNonNull(service, "service");
    requireNonNull(options, "options");
    if (closed.get()) {
      throw new IOException("cannot dial \"" + service + "\": service \"" + name + "\" is closed");
    }
    return dialAccept.dial(service, options);
  }

  @Override
  public ServerSocket serverSocket(int port) throws IOException {
    return dialAccept.serverSocket(new ServerSocket(port));
  }

  @Override
  public ServerSocket serverSocket(ServerSocket plain) throws IOException {
    return dialAccept.serverSocket(requireNonNull(plain, "plain"));
  }

  @Override
  public SSLServerSocketFactory serverSocketFactory() {
    return dialAccept.serverSocketFactory();
  }

  @Override
  public Authorizer authorizer() {
    return dialAccept.authorizer();
  }

  @Override
  public Resolver resolver() {
    return dialAccept.resolver();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    dialAccept.close();
    stopOwned();
    log.debug("service \"{}\" closed", name);
  }

  /** Stops what this service started, never what the caller passed in. */
  private void stopOwned() {
    if (ownsSource) {
      source.close();
    }
    if (agentClient != null) {
      agentClient.close();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "ConnectService[" + name + (isReady() ? ", ready" : ", not ready") + "]";
  }

  private NotReadyException notReady(String what) {
    IdentityStatus status = source.status();
    StringBuilder message = new StringBuilder("service \"").append(name).append("\" ").append(what);
    if (!status.missing().isEmpty()) {
      message.append(": no ").append(String.join(" and no ", status.missing())).append(" yet");
    }
    Optional<ConnectException> error = status.lastError();
    error.ifPresent(e -> message.append("; last error: ").append(e.getMessage()));
    return new NotReadyException(message.toString(), error.orElse(null));
  }

  /** What the identity source tells the service, passed on to the {@link ConnectListener}. */
  private final class SourceEvents implements IdentityListener {
    @Override
    public void onIdentityChanged(Optional<IdentitySnapshot> previous, IdentitySnapshot current) {
      ready.countDown();
      if (previous.isEmpty()) {
        log.info(
            "service \"{}\" ready: leaf serial={}, notAfter={}",
            name,
            current.leaf().serialNumber(),
            current.leaf().notAfter());
        return;
      }
      try {
        listener.onIdentityRotated(previous.get(), current);
      } catch (RuntimeException e) {
        log.warn("listener {} failed on identity rotation of service \"{}\"", listener, name, e);
      }
    }

    @Override
    public void onError(ConnectException error) {
      if (closed.get()) {
        return;
      }
      try {
        listener.onAgentError(error);
      } catch (RuntimeException e) {
        log.warn("listener {} failed on agent error of service \"{}\"", listener, name, e);
      }
    }

    @Override
    public void onRecovered() {
      if (closed.get()) {
        return;
      }
      try {
        listener.onAgentRecovered();
      } catch (RuntimeException e) {
        log.warn("listener {} failed on agent recovery of service \"{}\"", listener, name, e);
      }
    }
  }

  /**
   * One daemon thread for the service's timers. A cancelled timer leaves the queue at once: every
   * handshake arms one and nearly all are cancelled, and each would otherwise keep its socket
   * reachable and wake the thread when its time came.
   */
  static ScheduledExecutorService newScheduler(String name) {
    String threadName = "connect-" + name;
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, threadName);
              thread.setDaemon(true);
              return thread;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }
}
