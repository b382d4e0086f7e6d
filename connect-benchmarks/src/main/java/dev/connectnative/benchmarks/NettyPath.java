package dev.connectnative.benchmarks;

import dev.connectnative.testkit.IssuedLeaf;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Netty on both ends (NIO transport), mutual TLS 1.3 with static certificates through Netty's
 * OpenSSL engine (BoringSSL from netty-tcnative) or the JDK engine. Without resumption the client
 * keeps no session cache and the JDK server issues no tickets, so every handshake is a full one.
 */
final class NettyPath implements Path, CountsHandshakes {
  private static final int SERVER_THREADS = 2;
  private static final int CLIENT_THREADS = 2;

  private final String name;
  private final SslContext serverContext;
  private final SslContext clientContext;
  private final boolean resumption;
  private final LongAdder clientChecks = new LongAdder();
  private EventLoopGroup bossGroup;
  private EventLoopGroup serverGroup;
  private EventLoopGroup clientGroup;
  private Bootstrap client;
  private InetSocketAddress address;

  private NettyPath(String name, SslProvider provider, Pki pki, boolean resumption)
      throws SSLException {
    this.name = name;
    this.resumption = resumption;
    IssuedLeaf serverLeaf = pki.leaf("server");
    IssuedLeaf clientLeaf = pki.leaf("client");
    CountingTrustManager serverTrust =
        new CountingTrustManager(
            (X509ExtendedTrustManager) pki.trustManagers(null)[0], clientChecks);
    this.serverContext =
        SslContextBuilder.forServer(serverLeaf.privateKey(), serverLeaf.certificate(), pki.root())
            .sslProvider(provider)
            .protocols(TlsContexts.TLS13)
            .trustManager(serverTrust)
            .clientAuth(ClientAuth.REQUIRE)
            .build();
    this.clientContext =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols(TlsContexts.TLS13)
            .keyManager(clientLeaf.privateKey(), clientLeaf.certificate(), pki.root())
            .trustManager(pki.root())
            .build();
    if (provider == SslProvider.JDK) {
      serverContext.sessionContext().setSessionTimeout(TlsContexts.NO_TICKETS_SESSION_TIMEOUT);
    } else if (!resumption) {
      ((OpenSslSessionContext) clientContext.sessionContext()).setSessionCacheEnabled(false);
    }
  }

  /**
   * Netty with BoringSSL (netty-tcnative); {@code resumption}: clients resume TLS 1.3 sessions.
   *
   * @throws IllegalStateException if the native library cannot be loaded
   */
  static NettyPath openSsl(Pki pki, boolean resumption) throws SSLException {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "netty-tcnative is not available: " + OpenSsl.unavailabilityCause());
    }
    String name = resumption ? Paths.NETTY_OPENSSL_RESUMED : Paths.NETTY_OPENSSL;
    return new NettyPath(name, SslProvider.OPENSSL, pki, resumption);
  }

  /** Netty with the JDK's SSLEngine, full handshakes. */
  static NettyPath jdk(Pki pki) throws SSLException {
    return new NettyPath(Paths.NETTY_JDK, SslProvider.JDK, pki, false);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean bulk() {
    return !resumption;
  }

  @Override
  public long fullHandshakes() {
    return clientChecks.sum();
  }

  @Override
  public InetSocketAddress start() throws IOException {
    bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-netty-boss", true));
    serverGroup =
        new NioEventLoopGroup(SERVER_THREADS, new DefaultThreadFactory("bench-netty-srv", true));
    clientGroup =
        new NioEventLoopGroup(CLIENT_THREADS, new DefaultThreadFactory("bench-netty-cli", true));
    ChannelFuture bound =
        new ServerBootstrap()
            .group(bossGroup, serverGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(serverContext.newHandler(ch.alloc()), new NettyProtocolHandler());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0);
    Channel serverChannel = await(bound, "bind").channel();
    address = (InetSocketAddress) serverChannel.localAddress();
    client =
        new Bootstrap()
            .group(clientGroup)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    return address;
  }

  @Override
  public Conn connect() throws IOException {
    NettyConn conn = new NettyConn();
    ChannelFuture connected =
        client
            .clone()
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            clientContext.newHandler(
                                ch.alloc(), address.getHostString(), address.getPort()),
                            conn.handler());
                  }
                })
            .connect(address);
    Channel channel = await(connected, "connect").channel();
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    try {
      await(tls.handshakeFuture(), "TLS handshake");
    } catch (IOException e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  private static <T extends Future<?>> T await(T future, String what) throws IOException {
    if (!future.awaitUninterruptibly(NettyConn.TIMEOUT_S, TimeUnit.SECONDS)) {
      throw new IOException(what + " did not complete within " + NettyConn.TIMEOUT_S + " s");
    }
    if (!future.isSuccess()) {
      throw new IOException(what + " failed", future.cause());
    }
    return future;
  }

  @Override
  public void close() {
    for (EventLoopGroup group : new EventLoopGroup[] {clientGroup, bossGroup, serverGroup}) {
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      }
    }
  }
}
