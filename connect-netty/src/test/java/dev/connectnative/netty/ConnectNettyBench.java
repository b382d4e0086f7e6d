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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Loopback measurement of the Netty adapter with each TLS provider, shaped like the benchmarks
 * module's harness: new connections per second from several client threads (connect, full
 * mutual-TLS handshake, authorization, one byte there and back, close) and bulk throughput over one
 * connection (client to server, the server acknowledging the end), each with this process's CPU
 * time per connection or per GB. Both ends run in this JVM with their own event loops, as the
 * benchmarks module's Netty paths do, so the numbers compare with its plain Netty/BoringSSL rows;
 * the difference is what Connect adds (live key and trust managers, SPIFFE checks, authorization
 * gate).
 *
 * <p>Run: {@code java -cp <test classpath> dev.connectnative.netty.ConnectNettyBench [seconds]
 * [megabytes]}. {@link ConnectNettyBenchTest} runs it briefly so it keeps working.
 */
public final class ConnectNettyBench implements AutoCloseable {
  private static final byte[] CHUNK = new byte[64 * 1024];

  private final Mesh mesh = new Mesh();
  private final EventLoopGroup serverLoops =
      new NioEventLoopGroup(2, new DefaultThreadFactory("bench-srv", true));
  private final EventLoopGroup clientLoops =
      new NioEventLoopGroup(2, new DefaultThreadFactory("bench-cli", true));
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
                .sessionResumption(false)
                .resolver(
                    Resolver.of(List.of(ServiceInstance.of("echo", "dc1", "127.0.0.1", port))))
                .build());
  }

  /**
   * New connections per second from {@code clients} threads, each looping for {@code seconds}:
   * connect, full handshake, authorization, one byte there and back, close.
   */
  Result connectionsPerSecond(double seconds, int clients) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try {
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      List<Future<Integer>> counts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        counts.add(threads.submit(() -> connectLoop(end)));
      }
      int total = 0;
      for (Future<Integer> count : counts) {
        total += count.get();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Result(total / elapsed, (processCpuNanos() - cpu) / 1e3 / total);
    } finally {
      threads.shutdownNow();
    }
  }

  private int connectLoop(long end) throws Exception {
    int count = 0;
    while (System.nanoTime() < end) {
      Acks acks = new Acks();
      Channel channel = connect(acks);
      channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
      acks.done.get(10, TimeUnit.SECONDS);
      channel.close().sync();
      count++;
    }
    return count;
  }

  /**
   * Application data sent over one connection, {@code megabytes} in total: MB/s and CPU ms per GB.
   */
  Result bulk(int megabytes) throws Exception {
    Acks acks = new Acks();
    Channel channel = connect(acks);
    long total = (long) megabytes * 1024 * 1024;
    long cpu = processCpuNanos();
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
    double cpuMsPerGb = (processCpuNanos() - cpu) / 1e6 / (megabytes / 1024.0);
    channel.close().sync();
    return new Result(mbps, cpuMsPerGb);
  }

  /** A rate and the CPU time of this process per unit of work. */
  record Result(double rate, double cpu) {}

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private Channel connect(ChannelHandler handler) throws Exception {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(clientLoops)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(handler);
    return client.connect(bootstrap).get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    mesh.close();
    clientLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
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
   * Measures both providers and prints one line each.
   *
   * @param args optional: seconds of new connections per provider (default 5), bulk megabytes
   *     (default 256), client threads (default 4)
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    for (NettyTlsProvider provider : List.of(NettyTlsProvider.JDK, NettyTlsProvider.OPENSSL)) {
      try (ConnectNettyBench bench = new ConnectNettyBench(provider)) {
        bench.connectionsPerSecond(Math.min(2, seconds), clients);
        bench.bulk(Math.min(64, megabytes));
        Result connections = bench.connectionsPerSecond(seconds, clients);
        Result bulk = bench.bulk(megabytes);
        System.out.printf(
            Locale.ROOT,
            "connect-netty %-7s  new conns/s (%d clients) %7.1f  CPU us/conn %8.0f"
                + "  |  bulk MB/s %7.1f  CPU ms/GB %6.0f%n",
            bench.provider,
            clients,
            connections.rate(),
            connections.cpu(),
            bulk.rate(),
            bulk.cpu());
      }
    }
  }
}
