package dev.connectnative.netty;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.Authorizer;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Loopback measurement of the Netty adapter with each TLS provider: full mutual-TLS handshakes per
 * second (connect, handshake, authorization, first byte, close) and bulk throughput over one
 * connection (client to server, the server counting bytes and acknowledging the end). Both ends run
 * in this JVM with their own event loops, as the benchmarks module's Netty paths do, so the numbers
 * compare with its plain Netty/BoringSSL rows; the difference is what Connect adds (live key and
 * trust managers, SPIFFE checks, authorization gate).
 *
 * <p>Run: {@code java -cp <test classpath> dev.connectnative.netty.ConnectNettyBench [seconds]
 * [megabytes]}. {@link ConnectNettyBenchTest} runs it briefly so it keeps working.
 */
public final class ConnectNettyBench implements AutoCloseable {
  private static final byte[] CHUNK = new byte[64 * 1024];

  private final Mesh mesh = new Mesh();
  private final EventLoopGroup serverLoops =
      new NioEventLoopGroup(1, new DefaultThreadFactory("bench-srv", true));
  private final ConnectNettyClient client;
  private final NettyTlsProvider provider;

  /** Starts a Connect server ("echo") and a client ("web") with {@code provider}. */
  ConnectNettyBench(NettyTlsProvider provider) throws InterruptedException {
    this.provider = provider;
    Mesh.Node echo = mesh.service("echo");
    Mesh.Node web = mesh.service("web");
    Authorizer allowAll =
        request -> CompletableFuture.completedFuture(AuthorizationDecision.allow("bench"));
    ConnectNettyServer server =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .authorizer(allowAll)
                .childHandler(new CountingSink())
                .build());
    Channel listening =
        new ServerBootstrap()
            .group(serverLoops)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(server)
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    mesh.own(() -> listening.close().syncUninterruptibly());
    int port = ((InetSocketAddress) listening.localAddress()).getPort();
    this.client =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(provider)
                .resolver(
                    Resolver.of(List.of(ServiceInstance.of("echo", "dc1", "127.0.0.1", port))))
                .build());
  }

  /** Full handshakes per second, one after the other, for {@code seconds}. */
  double handshakesPerSecond(double seconds) throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    int count = 0;
    while (System.nanoTime() < end) {
      Channel channel = connect(new Acks());
      channel.close().sync();
      count++;
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** MB/s of application data sent over one connection, {@code megabytes} in total. */
  double bulkMegabytesPerSecond(int megabytes) throws Exception {
    Acks acks = new Acks();
    Channel channel = connect(acks);
    long total = (long) megabytes * 1024 * 1024;
    long start = System.nanoTime();
    long sent = 0;
    while (sent < total) {
      int n = (int) Math.min(CHUNK.length, total - sent);
      if (!channel.isWritable()) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(CHUNK, 0, n)).sync();
      } else {
        channel.writeAndFlush(Unpooled.wrappedBuffer(CHUNK, 0, n));
      }
      sent += n;
    }
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
    acks.done.get(60, TimeUnit.SECONDS);
    double mbps = megabytes / ((System.nanoTime() - start) / 1e9);
    channel.close().sync();
    return mbps;
  }

  private Channel connect(ChannelHandler handler) throws Exception {
    Bootstrap bootstrap = mesh.bootstrap(handler).option(ChannelOption.TCP_NODELAY, true);
    return client.connect(bootstrap).get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    mesh.close();
    serverLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Discards what it reads and acknowledges the end marker: a byte 1 (bulk data is zeros). */
  @ChannelHandler.Sharable
  private static final class CountingSink extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      boolean last = bytes.readableBytes() > 0 && bytes.getByte(bytes.writerIndex() - 1) == 1;
      bytes.release();
      if (last) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}))
            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      }
    }
  }

  /** Completes when the server acknowledges. */
  private static final class Acks extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      done.complete(null);
    }
  }

  /**
   * Measures both providers.
   *
   * @param args optional: seconds of handshakes per provider (default 5), bulk megabytes (256)
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    for (NettyTlsProvider provider : List.of(NettyTlsProvider.JDK, NettyTlsProvider.OPENSSL)) {
      try (ConnectNettyBench bench = new ConnectNettyBench(provider)) {
        bench.handshakesPerSecond(Math.min(1, seconds));
        bench.bulkMegabytesPerSecond(Math.min(32, megabytes));
        double handshakes = bench.handshakesPerSecond(seconds);
        double bulk = bench.bulkMegabytesPerSecond(megabytes);
        System.out.printf(
            Locale.ROOT,
            "connect-netty %-7s  handshakes/s %8.1f   bulk MB/s %8.1f%n",
            bench.provider,
            handshakes,
            bulk);
      }
    }
  }
}
