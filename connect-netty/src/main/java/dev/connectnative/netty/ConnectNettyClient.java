package dev.connectnative.netty;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.NotReadyException;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.tls.ExpectedPeers;
import dev.connectnative.internal.tls.SessionValidity;
import dev.connectnative.netty.internal.ConnectionGate;
import dev.connectnative.netty.internal.Failures;
import dev.connectnative.netty.internal.NettySslContexts;
import dev.connectnative.netty.internal.RevisionContexts;
import dev.connectnative.netty.internal.TargetTrustManager;
import dev.connectnative.netty.internal.TlsExecutors;
import dev.connectnative.netty.internal.TlsProviders;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a service to one target service over Netty: resolves the target's instances, opens TCP
 * to one of them, and completes the TLS handshake only if the server presents the identity of that
 * instance (checked by the trust manager inside the handshake, and compared again afterwards). An
 * instance that fails is followed by the next one until every instance was tried or the dial
 * timeout passed.
 *
 * <pre>{@code
 * Channel channel = client.connect(new Bootstrap()
 *     .group(workers)
 *     .channel(NioSocketChannel.class)
 *     .handler(new MyHandler())).get(10, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>The bootstrap's handler is installed behind TLS and receives {@code channelActive} once the
 * server is verified, with {@link ConnectNetty#PEER_IDENTITY} set; a failed attempt is invisible to
 * it. {@link #sslContext()} serves frameworks that create their own TLS handlers (gRPC): its trust
 * manager refuses any server that is not the target service.
 *
 * <p>With OpenSSL, {@link #connect} resumes TLS sessions with the target by default (see {@link
 * Builder#sessionResumption}); every connection, resumed or not, is checked again after its
 * handshake. The {@code SslContext}s (one for {@link #connect}, one for {@link #sslContext()}) are
 * built once, in {@link Builder#build()}. Thread-safe. {@link #close()} stops the executor the
 * client started (not one passed to the builder) and is idempotent; open channels are not closed.
 */
public final class ConnectNettyClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectNettyClient.class);

  private final ConnectService service;
  private final String target;
  private final DialOptions options;
  private final Resolver resolver;
  private final SslProvider sslProvider;
  private final SslContext sslContext;
  private final RevisionContexts dialContexts;
  private final Executor tlsTasks;
  private final Clock clock;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final TargetTrustManager trust;
  private final AtomicInteger next =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConnectNettyClient(Builder b, SslProvider sslProvider, ExecutorService owned) {
    this.service = b.service;
    this.target = b.target;
    this.options = b.options != null ? b.options : DialOptions.DEFAULTS;
    this.resolver = b.resolver != null ? b.resolver : service.resolver();
    this.sslProvider = sslProvider;
    this.ownedExecutor = owned;
    this.executor = b.executor != null ? b.executor : owned;
    this.trust = new TargetTrustManager(service.trustManager(), this::targetIdentity);
    this.sslContext = NettySslContexts.client(service, sslProvider, b.applicationProtocols, trust);
    boolean resume = b.sessionResumption == null || b.sessionResumption;
    this.dialContexts =
        resume
            ? NettySslContexts.resumingClient(
                service, sslProvider, b.applicationProtocols, trust, sslContext)
            : RevisionContexts.fixed(sslContext);
    this.tlsTasks = sslProvider == SslProvider.JDK ? executor : ImmediateExecutor.INSTANCE;
    this.clock = NettySslContexts.certificateClock(service);
  }

  /**
   * Returns the target service's name.
   *
   * @return the name this client connects to
   */
  public String target() {
    return target;
  }

  /**
   * Returns the TLS provider in use: {@link NettyTlsProvider#JDK} or {@link
   * NettyTlsProvider#OPENSSL}, never {@code AUTO}.
   *
   * @return the provider
   */
  public NettyTlsProvider provider() {
    return TlsProviders.of(sslProvider);
  }

  /**
   * Returns the client TLS context, for frameworks that create their own TLS handlers, e.g. {@code
   * NettyChannelBuilder.sslContext(client.sslContext())} in gRPC. A server must present the target
   * service's identity in the datacenter, namespace and partition of the {@link DialOptions}
   * (defaults: this service's own), checked inside each handshake. The context resumes no session
   * (a resumed one would skip that check); {@link #connect} uses its own context, which does.
   *
   * @return the context; the same instance for the life of the client
   */
  public SslContext sslContext() {
    return sslContext;
  }

  /**
   * Connects to one instance of the target service.
   *
   * <p>The bootstrap is used as a template: it is cloned per attempt, its handler is installed
   * behind the Connect TLS handler, and its connect timeout is replaced by the dial options'.
   *
   * <p>A static address in the dial options is used as is; otherwise the resolver finds the
   * instances.
   *
   * @param bootstrap the user's bootstrap, with group, channel type and handler set
   * @return a future completed with the channel once its TLS handshake succeeded with the expected
   *     server; or exceptionally with an {@link IOException} naming the target and each failure
   *     (not ready, no healthy instance, refused handshakes, timeouts)
   * @throws NullPointerException if {@code bootstrap} is null
   * @throws IllegalArgumentException if the bootstrap has no group or no handler
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<Channel> connect(Bootstrap bootstrap) {
    requireNonNull(bootstrap, "bootstrap");
    ChannelHandler handler = bootstrap.config().handler();
    EventLoopGroup group = bootstrap.config().group();
    if (handler == null || group == null) {
      throw new IllegalArgumentException("the bootstrap needs a group and a handler");
    }
    if (closed.get()) {
      throw new IllegalStateException("client for \"" + target + "\" is closed");
    }
    CompletableFuture<Channel> result = new CompletableFuture<>();
    IdentitySnapshot snapshot;
    try {
      snapshot = service.identity();
    } catch (NotReadyException e) {
      result.completeExceptionally(
          new IOException("cannot connect to \"" + target + "\": " + e.getMessage(), e));
      return result;
    }
    DialDeadline deadline = new DialDeadline(result);
    CompletableFuture<List<ServiceInstance>> instances;
    try {
      instances =
          options.staticInstance().isPresent()
              ? CompletableFuture.completedFuture(List.of(options.staticInstance().get()))
              : resolver.resolve(target, options);
    } catch (RuntimeException e) {
      instances = CompletableFuture.failedFuture(e);
    }
    if (!instances.isDone()) {
      deadline.arm(group.next());
    }
    instances.whenComplete(
        (found, error) -> {
          if (error != null) {
            result.completeExceptionally(
                new IOException(
                    "cannot connect to \"" + target + "\": " + Failures.describe(error),
                    Failures.unwrap(error)));
          } else if (found.isEmpty()) {
            result.completeExceptionally(
                new IOException("no healthy instance of \"" + target + "\""));
          } else {
            Attempts attempts =
                new Attempts(bootstrap, handler, order(found), snapshot, deadline, result);
            attempts.tryNext();
          }
        });
    return result;
  }

  /** Stops the executor the client started, if any. Idempotent; open channels stay open. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "ConnectNettyClient[" + service.name() + " -> " + target + ", " + provider() + "]";
  }

  private List<ServiceInstance> order(List<ServiceInstance> instances) {
    List<ServiceInstance> ordered = new ArrayList<>(instances);
    Collections.rotate(ordered, -Math.floorMod(next.getAndIncrement(), ordered.size()));
    return ordered;
  }

  /** The identity a server must present when the engine was not registered by {@link #connect}. */
  private ServiceIdentity targetIdentity() {
    IdentitySnapshot identity = service.identity();
    ServiceIdentity self = identity.leaf().id();
    return new ServiceIdentity(
        identity.trust().trustDomain(),
        options.partition().orElse(self.partition()),
        options.namespace().orElse(self.namespace()),
        options.datacenter().orElse(self.datacenter()),
        target);
  }

  /** Consul's SNI for a service, also the name the TLS stacks key their session caches by. */
  private static String serverName(ServiceIdentity expected) {
    StringBuilder name =
        new StringBuilder(expected.service()).append('.').append(expected.namespace());
    if (!"default".equals(expected.partition())) {
      name.append('.').append(expected.partition());
    }
    return name.append('.')
        .append(expected.datacenter())
        .append(".internal.")
        .append(expected.trustDomain())
        .toString()
        .toLowerCase(Locale.ROOT);
  }

  /**
   * The overall time limit of one {@link #connect}, counted from its start. It is armed once, on
   * the event loop of the first attempt's channel (from inside that loop, so arming it wakes no
   * thread), or on any loop right away while discovery is still pending, and cancelled when the
   * connect ends.
   */
  private final class DialDeadline {
    private final long expiresAt = System.nanoTime() + options.timeout().toNanos();
    private final CompletableFuture<Channel> result;
    private final AtomicBoolean armed = new AtomicBoolean();

    DialDeadline(CompletableFuture<Channel> result) {
      this.result = result;
    }

    void arm(EventExecutor loop) {
      if (!armed.compareAndSet(false, true)) {
        return;
      }
      ScheduledFuture<?> timer =
          loop.schedule(
              this::expire, Math.max(0, expiresAt - System.nanoTime()), TimeUnit.NANOSECONDS);
      result.whenComplete((channel, error) -> timer.cancel(false));
    }

    private void expire() {
      result.completeExceptionally(
          new IOException(
              "cannot connect to \""
                  + target
                  + "\" within "
                  + options.timeout().toMillis()
                  + " ms"));
    }
  }

  /** The attempts of one {@link #connect}, one instance after the other. */
  private final class Attempts {
    private final Bootstrap template;
    private final ChannelHandler handler;
    private final List<ServiceInstance> instances;
    private final IdentitySnapshot snapshot;
    private final DialDeadline deadline;
    private final CompletableFuture<Channel> result;
    private final List<String> failures = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private int index;

    Attempts(
        Bootstrap template,
        ChannelHandler handler,
        List<ServiceInstance> instances,
        IdentitySnapshot snapshot,
        DialDeadline deadline,
        CompletableFuture<Channel> result) {
      this.template = template;
      this.handler = handler;
      this.instances = instances;
      this.snapshot = snapshot;
      this.deadline = deadline;
      this.result = result;
    }

    void tryNext() {
      if (result.isDone()) {
        return;
      }
      if (index == instances.size()) {
        IOException failure =
            new IOException(
                "cannot connect to \""
                    + target
                    + "\": "
                    + (failures.size() == 1
                        ? ""
                        : "every instance failed (" + instances.size() + "): ")
                    + String.join("; ", failures),
                errors.get(errors.size() - 1));
        errors.subList(0, errors.size() - 1).forEach(failure::addSuppressed);
        result.completeExceptionally(failure);
        return;
      }
      ServiceInstance instance = instances.get(index++);
      ServiceIdentity expected;
      try {
        expected = instance.expectedIdentity(snapshot.trust().trustDomain());
      } catch (RuntimeException e) {
        failed(instance, e);
        return;
      }
      CompletableFuture<Channel> opened = new CompletableFuture<>();
      Bootstrap attempt =
          template
              .clone()
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                      install(channel, instance, expected, opened);
                    }
                  });
      attempt
          .connect(instance.host(), instance.port())
          .addListener(
              connected -> {
                if (!connected.isSuccess()) {
                  opened.completeExceptionally(connected.cause());
                }
              });
      opened.whenComplete(
          (channel, error) -> {
            if (error == null) {
              if (!result.complete(channel)) {
                channel.close();
              }
            } else {
              failed(instance, error);
            }
          });
    }

    private void failed(ServiceInstance instance, Throwable error) {
      String why = Failures.describe(error);
      LOG.debug("connecting to {} at {} failed: {}", target, instance.address(), why);
      failures.add(instance.address() + ": " + why);
      errors.add(Failures.unwrap(error));
      tryNext();
    }

    private void install(
        Channel channel,
        ServiceInstance instance,
        ServiceIdentity expected,
        CompletableFuture<Channel> opened) {
      deadline.arm(channel.eventLoop());
      SslHandler tls =
          dialContexts
              .of(snapshot)
              .newHandler(channel.alloc(), serverName(expected), instance.port(), tlsTasks);
      tls.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
      SSLEngine engine = tls.engine();
      ExpectedPeers.expect(engine, expected);
      if (sslProvider == SslProvider.JDK) {
        String tag = trust.tag(engine, expected);
        channel.closeFuture().addListener(closed -> trust.untag(tag));
      }
      ConnectionGate gate =
          new ConnectionGate(
              () -> "connection to " + target + " at " + instance.address(),
              session -> verify(session, expected),
              options.handshakeTimeout(),
              ConnectNetty.PEER_IDENTITY,
              opened);
      channel.pipeline().addLast("connect-tls", tls);
      channel.pipeline().addLast("connect-identity", gate);
      channel.pipeline().addLast(handler);
    }

    /**
     * Runs after every handshake, resumed or not: a resumed session skipped the trust manager, so
     * the server's identity and both leaves' validity are checked here.
     */
    private CompletableFuture<ServiceIdentity> verify(
        SSLSession session, ServiceIdentity expected) {
      ServiceIdentity presented = ConnectIdentity.of(session);
      if (!expected.sameServiceAs(presented)) {
        session.invalidate();
        return CompletableFuture.failedFuture(
            new IOException(
                "server presented " + presented + " but this connection expects " + expected));
      }
      String expired;
      try {
        expired =
            SessionValidity.problem(
                session, "server certificate", presented, service.name(), clock.instant());
      } catch (SSLPeerUnverifiedException e) {
        expired = "server presented no certificate";
      }
      if (expired != null) {
        return CompletableFuture.failedFuture(new IOException(expired));
      }
      return CompletableFuture.completedFuture(presented);
    }
  }

  /**
   * Configures a {@link ConnectNettyClient}. Each setting may be set once; a second call throws
   * {@link IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private final ConnectService service;
    private final String target;
    private NettyTlsProvider provider;
    private Resolver resolver;
    private DialOptions options;
    private Executor executor;
    private List<String> applicationProtocols;
    private Boolean sessionResumption;

    Builder(ConnectService service, String target) {
      this.service = service;
      this.target = target;
    }

    /**
     * Selects the TLS provider. If unset, {@link NettyTlsProvider#AUTO}: OpenSSL when its native
     * library loads, else the JDK; the choice is logged.
     *
     * @param provider the provider
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder provider(NettyTlsProvider provider) {
      this.provider = ConnectNettyServer.Builder.once(this.provider, provider, "provider");
      return this;
    }

    /**
     * Sets how the target's instances are found. The client does not close it. If unset, the
     * service's own {@link ConnectService#resolver()} (healthy instances from the agent, or
     * prepared queries). A static address in the options bypasses the resolver.
     *
     * @param resolver the resolver
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder resolver(Resolver resolver) {
      this.resolver = ConnectNettyServer.Builder.once(this.resolver, resolver, "resolver");
      return this;
    }

    /**
     * Sets where to look for the target and how long to wait. If unset, {@link
     * DialOptions#DEFAULTS}.
     *
     * @param options the options
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder options(DialOptions options) {
      this.options = ConnectNettyServer.Builder.once(this.options, options, "options");
      return this;
    }

    /**
     * Turns resumption of TLS sessions on or off for {@link ConnectNettyClient#connect}. If unset,
     * on: with OpenSSL, sessions are kept per target identity and instance port, offered again on
     * the next connection, and all dropped when this service's identity rotates; every connection,
     * resumed or not, is still checked against the expected server identity and both leaves'
     * validity after its handshake. Servers decide whether to resume (a {@link ConnectNettyServer}
     * with OpenSSL does, and authorizes every resumed connection). The JDK provider resumes
     * nothing.
     *
     * @param enabled {@code false} for a full handshake on every connection
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder sessionResumption(boolean enabled) {
      this.sessionResumption =
          ConnectNettyServer.Builder.once(this.sessionResumption, enabled, "sessionResumption");
      return this;
    }

    /**
     * Sets where TLS delegated tasks run with the JDK provider (with OpenSSL they run on the event
     * loop: the certificate checks of a client never wait). The caller owns it. If unset, the
     * client starts a pool of daemon threads named {@code connect-netty-<service>-<n>}, stopped by
     * {@link ConnectNettyClient#close()}.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      this.executor = ConnectNettyServer.Builder.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the protocols offered through ALPN, most preferred first, e.g. {@code "h2"}. If unset,
     * no ALPN.
     *
     * @param protocols the protocol names
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if none is given
     */
    public Builder applicationProtocols(String... protocols) {
      List<String> list = List.of(requireNonNull(protocols, "protocols"));
      if (list.isEmpty()) {
        throw new IllegalArgumentException("no application protocol given");
      }
      this.applicationProtocols =
          ConnectNettyServer.Builder.once(this.applicationProtocols, list, "applicationProtocols");
      return this;
    }

    /**
     * Builds the client and its {@code SslContext}.
     *
     * @return the client
     * @throws IllegalStateException if the TLS provider cannot be used
     */
    public ConnectNettyClient build() {
      if (applicationProtocols == null) {
        applicationProtocols = List.of();
      }
      SslProvider sslProvider =
          TlsProviders.resolve(provider == null ? NettyTlsProvider.AUTO : provider, service.name());
      ExecutorService owned = executor == null ? TlsExecutors.newPool(service.name()) : null;
      try {
        return new ConnectNettyClient(this, sslProvider, owned);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.shutdownNow();
        }
        throw e;
      }
    }
  }
}
