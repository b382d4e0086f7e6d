package dev.connectnative.netty;

import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * A test mesh: one CA minted at run time, services with static identities, and a one-thread Netty
 * event loop shared by servers and clients (so a blocked loop would stall every test connection).
 */
final class Mesh {
  final TestCa ca = TestCa.create();

  /** The intentions every service's own authorizer follows (its trust manager's hook uses it). */
  final TestAuthorizer intentions = new TestAuthorizer();

  final EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("test-loop", true));
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

  /** A service with a static identity that the test can rotate. */
  record Node(ConnectService service, StaticIdentitySource source, TestCa ca, String dc) {
    /** Issues a new leaf for the same service and makes it current; returns the new snapshot. */
    IdentitySnapshot rotate() {
      IssuedLeaf leaf = ca.leafBuilder(service.name()).datacenter(dc).issue();
      return source.update(ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem());
    }
  }

  Node service(String name) {
    return service(name, "dc1");
  }

  Node service(String name, String dc) {
    return service(name, dc, Clock.systemUTC());
  }

  /** A service whose certificate checks run at the time of {@code clock}. */
  Node service(String name, String dc, Clock clock) {
    IssuedLeaf leaf = ca.leafBuilder(name).datacenter(dc).issue();
    StaticIdentitySource source =
        StaticIdentitySource.fromPem(ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem());
    ConnectService service =
        Connect.service(name).identitySource(source).authorizer(intentions).clock(clock).build();
    closeables.push(source);
    closeables.push(service);
    return new Node(service, source, ca, dc);
  }

  /** Registers something to close with the mesh, most recent first. */
  <T extends AutoCloseable> T own(T closeable) {
    closeables.push(closeable);
    return closeable;
  }

  /** Binds a server on a loopback port and returns the port. */
  int listen(ChannelHandler childHandler) throws InterruptedException {
    Channel server =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .childHandler(childHandler)
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    closeables.push(() -> server.close().syncUninterruptibly());
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** A client bootstrap on the mesh's loop, with {@code handler} behind TLS. */
  Bootstrap bootstrap(ChannelHandler handler) {
    return new Bootstrap().group(loop).channel(NioSocketChannel.class).handler(handler);
  }

  /**
   * Connects to {@code port} on loopback with a plain Netty TLS handler of {@code context} (no
   * Connect client), followed by {@code handler}.
   */
  Channel plainTlsConnect(SslContext context, String serverName, int port, ChannelHandler handler)
      throws InterruptedException {
    return bootstrap(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(context.newHandler(ch.alloc(), serverName, port))
                    .addLast(handler);
              }
            })
        .connect("127.0.0.1", port)
        .sync()
        .channel();
  }

  void close() {
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the test mesh", e);
      }
    }
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
