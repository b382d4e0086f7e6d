package dev.connectnative.netty;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectService;
import dev.connectnative.NotReadyException;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.netty.internal.ConnectionGate;
import dev.connectnative.netty.internal.LiveChannel;
import dev.connectnative.netty.internal.NettySslContexts;
import dev.connectnative.netty.internal.RevisionContexts;
import dev.connectnative.netty.internal.ServerAuthorization;
import dev.connectnative.netty.internal.TlsExecutors;
import dev.connectnative.netty.internal.TlsProviders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.ImmediateExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child channel initializer of a Connect server: TLS with the service's live leaf and roots, a
 * client certificate required, then authorization of the client by the {@link Authorizer} before
 * the user's handler sees anything.
 *
 * <p>Each accepted channel gets an {@link SslHandler}, a gate that holds reads and writes while the
 * client is decided, and the user's child handler. The gate checks that the client's leaf is still
 * valid and asks the authorizer; a denied client, one the authorizer cannot decide for within the
 * authorization timeout, or one whose handshake fails, is closed, and the child handler sees no
 * event and no byte of it. An allowed one reaches the child handler as {@code channelActive}, with
 * {@link ConnectNetty#PEER_IDENTITY} set.
 *
 * <p><b>Threads.</b> An authorizer set on the builder, or a service authorizer that may block, is
 * called on the server's executor, never on the event loop; the service's own agent authorizer,
 * which never waits (a cached decision is immediate, a miss is one asynchronous agent call), is
 * called on the event loop. With OpenSSL the certificate checks run on the event loop too, as in a
 * plain Netty server (they never wait: the gate, not the trust manager, authorizes); with the JDK
 * provider they run on the executor.
 *
 * <p><b>Resumption.</b> With OpenSSL the server issues TLS 1.3 session tickets, so clients that
 * keep sessions (such as {@link ConnectNettyClient}) reconnect without a full handshake. A resumed
 * connection goes through the same gate: its client is authorized and its leaf checked for expiry.
 * Each identity revision (every root or leaf rotation) gets its own OpenSSL context, with the
 * revision's leaf and key as static key material and a random ticket key of its own, so no session
 * made before a CA rotation is resumed after it. The JDK provider resumes nothing. A connection
 * accepted before the service has an identity is closed at once.
 *
 * <p>The context of {@link #sslContext()} is built once, in {@link Builder#build()}; rotations of
 * the leaf or roots reach its new handshakes without rebuilding it. Open connections carry on
 * through rotations either way. Thread-safe and shareable between server bootstraps. {@link
 * #close()} stops the executor the server started (not one passed to the builder); call it after
 * the server channels are closed.
 */
public final class ConnectNettyServer extends ChannelInitializer<Channel> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectNettyServer.class);

  /** Time allowed for an authorization decision when none is set: 5 seconds. */
  public static final Duration DEFAULT_AUTHORIZATION_TIMEOUT = Duration.ofSeconds(5);

  private final String service;
  private final SslContext sslContext;
  private final RevisionContexts gated;
  private final Executor tlsTasks;
  private final NettyTlsProvider provider;
  private final ServerAuthorization authorization;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ChannelHandler childHandler;
  private final Duration authorizationTimeout;
  private final LiveConnections liveConnections;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConnectNettyServer(Builder b, SslProvider sslProvider, ExecutorService owned) {
    this.service = b.service.name();
    this.ownedExecutor = owned;
    this.executor = b.executor != null ? b.executor : owned;
    this.provider = TlsProviders.of(sslProvider);
    this.sslContext = NettySslContexts.server(b.service, sslProvider, b.applicationProtocols);
    this.gated = NettySslContexts.gatedServer(b.service, sslProvider, b.applicationProtocols);
    this.tlsTasks =
        NettySslContexts.gatedChecksMayWait(b.service, sslProvider)
            ? executor
            : ImmediateExecutor.INSTANCE;
    this.authorization =
        new ServerAuthorization(
            service,
            b.authorizer != null ? b.authorizer : b.service.authorizer(),
            executor,
            NettySslContexts.certificateClock(b.service));
    this.liveConnections =
        b.service instanceof DefaultConnectService connect ? connect.liveConnections() : null;
    this.childHandler = b.childHandler;
    this.authorizationTimeout =
        b.authorizationTimeout != null ? b.authorizationTimeout : DEFAULT_AUTHORIZATION_TIMEOUT;
  }

  /**
   * Returns the TLS provider in use: {@link NettyTlsProvider#JDK} or {@link
   * NettyTlsProvider#OPENSSL}, never {@code AUTO}.
   *
   * @return the provider
   */
  public NettyTlsProvider provider() {
    return provider;
  }

  /**
   * Returns the server TLS context, for frameworks that build their own pipeline, e.g. {@code
   * NettyServerBuilder.sslContext(server.sslContext())} in gRPC (build with {@link
   * Builder#applicationProtocols(String...)} {@code "h2"}).
   *
   * <p>Connections made with it bypass this server's authorization gate: they are authorized only
   * by the service's trust manager, inside the handshake, with the service's own authorizer (a
   * bounded wait on the thread that runs TLS delegated tasks), and they are not re-checked when the
   * intentions change. For that reason this context resumes no session: an OpenSSL engine of it
   * neither issues nor accepts session tickets, so every connection reaches the trust manager.
   * Prefer this server as the channel initializer where the framework allows.
   *
   * @return the context; the same instance for the life of the server
   */
  public SslContext sslContext() {
    return sslContext;
  }

  /**
   * Installs TLS, the authorization gate and the child handler on an accepted channel.
   *
   * @param channel the accepted channel
   * @throws IllegalStateException if the server was built without a child handler (the channel is
   *     then closed)
   */
  @Override
  protected void initChannel(Channel channel) {
    if (childHandler == null) {
      throw new IllegalStateException(
          "server of \""
              + service
              + "\" was built without a child handler; it only serves sslContext()");
    }
    SslContext context;
    try {
      context = gated.current();
    } catch (NotReadyException e) {
      LOG.info(
          "refusing connection from {} to {}: {}",
          channel.remoteAddress(),
          service,
          e.getMessage());
      channel.close();
      return;
    }
    SslHandler tls = context.newHandler(channel.alloc(), tlsTasks);
    CompletableFuture<AuthorizationRequest> allowed = new CompletableFuture<>();
    CompletableFuture<Channel> opened = new CompletableFuture<>();
    ConnectionGate gate =
        new ConnectionGate(
            () -> "connection from " + channel.remoteAddress() + " to " + service,
            session ->
                authorization
                    .authorize(session)
                    .thenApply(
                        request -> {
                          allowed.complete(request);
                          return request.client();
                        }),
            authorizationTimeout,
            ConnectNetty.PEER_IDENTITY,
            opened);
    if (liveConnections != null) {
      opened.thenAccept(open -> LiveChannel.track(open, allowed.join(), liveConnections));
    }
    channel.pipeline().addLast("connect-tls", tls);
    channel.pipeline().addLast("connect-authorization", gate);
    channel.pipeline().addLast(childHandler);
  }

  /** Stops the executor the server started, if any. Idempotent; open channels are not closed. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "ConnectNettyServer[" + service + ", " + provider + "]";
  }

  /**
   * Configures a {@link ConnectNettyServer}. Each setting may be set once; a second call throws
   * {@link IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private final ConnectService service;
    private NettyTlsProvider provider;
    private Authorizer authorizer;
    private Executor executor;
    private ChannelHandler childHandler;
    private Duration authorizationTimeout;
    private List<String> applicationProtocols;

    Builder(ConnectService service) {
      this.service = service;
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
      this.provider = once(this.provider, provider, "provider");
      return this;
    }

    /**
     * Sets who decides, after each handshake, whether a client may connect. If unset, the service's
     * own {@link ConnectService#authorizer()} (the agent's intentions, cached).
     *
     * <p>Whatever is set here, connections the service tracks are re-checked with the service's own
     * authorizer (and closed if denied) when the intentions change. With the JDK provider the
     * service's trust manager also runs the service's authorizer inside the handshake.
     *
     * @param authorizer the authorizer; called off the event loop
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = once(this.authorizer, authorizer, "authorizer");
      return this;
    }

    /**
     * Sets the handler installed behind TLS and authorization on every accepted channel: a {@code
     * ChannelInitializer} or another {@code @Sharable} handler. If unset, the server only serves
     * {@link ConnectNettyServer#sslContext()} and closes any channel it is asked to initialize.
     *
     * @param childHandler the handler
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if the handler is not sharable
     */
    public Builder childHandler(ChannelHandler childHandler) {
      requireNonNull(childHandler, "childHandler");
      if (!(childHandler instanceof ChannelHandlerAdapter adapter) || !adapter.isSharable()) {
        throw new IllegalArgumentException(
            "childHandler "
                + childHandler.getClass().getName()
                + " is not @Sharable; pass a ChannelInitializer that creates the handlers");
      }
      this.childHandler = once(this.childHandler, childHandler, "childHandler");
      return this;
    }

    /**
     * Sets where calls of an authorizer that may block run (one set with {@link #authorizer}, or a
     * custom service authorizer), and, with the JDK provider, TLS delegated tasks. The caller owns
     * it; {@link ConnectNettyServer#close()} does not stop it. If unset, the server starts a pool
     * of daemon threads named {@code connect-netty-<service>-<n>}, one per core.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      this.executor = once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the longest wait for an authorization decision, after which the client is refused. If
     * unset, {@link ConnectNettyServer#DEFAULT_AUTHORIZATION_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder authorizationTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("authorization timeout must be positive: " + timeout);
      }
      this.authorizationTimeout = once(this.authorizationTimeout, timeout, "authorizationTimeout");
      return this;
    }

    /**
     * Sets the protocols offered through ALPN, most preferred first, e.g. {@code "h2", "http/1.1"}.
     * If unset, no ALPN.
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
      this.applicationProtocols = once(this.applicationProtocols, list, "applicationProtocols");
      return this;
    }

    /**
     * Builds the server's {@code SslContext} and returns the initializer to pass to {@code
     * ServerBootstrap.childHandler}.
     *
     * @return the server initializer
     * @throws IllegalStateException if the TLS provider cannot be used
     */
    public ConnectNettyServer build() {
      if (applicationProtocols == null) {
        applicationProtocols = List.of();
      }
      SslProvider sslProvider =
          TlsProviders.resolve(provider == null ? NettyTlsProvider.AUTO : provider, service.name());
      ExecutorService owned = executor == null ? TlsExecutors.newPool(service.name()) : null;
      try {
        return new ConnectNettyServer(this, sslProvider, owned);
      } catch (RuntimeException e) {
        if (owned != null) {
          owned.shutdownNow();
        }
        throw e;
      }
    }

    static <T> T once(T current, T value, String what) {
      requireNonNull(value, what);
      if (current != null) {
        throw new IllegalStateException(what + " is already set");
      }
      return value;
    }
  }
}
