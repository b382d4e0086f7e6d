package dev.connectnative.benchmarks;

import dev.connectnative.netty.ConnectNetty;
import dev.connectnative.netty.ConnectNettyClient;
import dev.connectnative.netty.ConnectNettyServer;
import dev.connectnative.netty.NettyTlsProvider;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * connectnative's Netty adapter on both ends ({@link ConnectNetty#server} and {@link
 * ConnectNetty#client}, NIO transport, warm discovery and authorization cache) with one {@link
 * NettyTlsProvider}, against an in-process dev agent; the client resumes sessions (its default) or
 * makes a full handshake on every connection.
 */
final class ConnectnativeNettyPath implements Path, CountsHandshakes {
  private static final int SERVER_THREADS = 2;
  private static final int CLIENT_THREADS = 2;

  private final String name;
  private final NettyTlsProvider provider;
  private final boolean resumption;
  private final LongAdder fullHandshakes = new LongAdder();
  private Mesh mesh;
  private ConnectNettyServer tlsServer;
  private ConnectNettyClient tlsClient;
  private EventLoopGroup bossGroup;
  private EventLoopGroup serverGroup;
  private EventLoopGroup clientGroup;
  private Bootstrap bootstrap;

  ConnectnativeNettyPath(String name, NettyTlsProvider provider, boolean resumption) {
    this.name = name;
    this.provider = provider;
    this.resumption = resumption;
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
    return fullHandshakes.sum();
  }

  @Override
  public InetSocketAddress start() throws IOException {
    mesh = Mesh.start(UnaryOperator.identity());
    tlsServer =
        ConnectNetty.server(mesh.server)
            .provider(provider)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new NettyProtocolHandler());
                  }
                })
            .build();
    tlsClient =
        ConnectNetty.client(mesh.client, Mesh.SERVER)
            .provider(provider)
            .sessionResumption(resumption)
            .build();
    if (tlsServer.provider() != provider || tlsClient.provider() != provider) {
      throw new IllegalStateException(
          "asked for " + provider + ", the adapter chose " + tlsServer.provider());
    }
    bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-cn-netty-boss", true));
    serverGroup =
        new NioEventLoopGroup(SERVER_THREADS, new DefaultThreadFactory("bench-cn-netty-srv", true));
    clientGroup =
        new NioEventLoopGroup(CLIENT_THREADS, new DefaultThreadFactory("bench-cn-netty-cli", true));
    Channel serverChannel =
        new ServerBootstrap()
            .group(bossGroup, serverGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(tlsServer)
            .bind(InetAddress.getLoopbackAddress(), 0)
            .syncUninterruptibly()
            .channel();
    InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
    mesh.registerServer(address.getPort());
    bootstrap =
        new Bootstrap()
            .group(clientGroup)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    connect().close();
    fullHandshakes.reset();
    return address;
  }

  @Override
  public Conn connect() throws IOException {
    NettyConn conn = new NettyConn();
    try {
      Channel channel =
          tlsClient
              .connect(bootstrap.clone().handler(conn.handler()))
              .get(NettyConn.TIMEOUT_S, TimeUnit.SECONDS);
      if (!resumed(channel)) {
        fullHandshakes.increment();
      }
      return conn;
    } catch (ExecutionException e) {
      throw new IOException("connect failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("connect did not complete within " + NettyConn.TIMEOUT_S + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting");
    }
  }

  private static boolean resumed(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    return tls != null
        && tls.engine() instanceof ReferenceCountedOpenSslEngine openSsl
        && SSL.isSessionReused(openSsl.sslPointer());
  }

  @Override
  public void close() {
    for (EventLoopGroup group : new EventLoopGroup[] {clientGroup, bossGroup, serverGroup}) {
      if (group != null) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      }
    }
    if (tlsClient != null) {
      tlsClient.close();
    }
    if (tlsServer != null) {
      tlsServer.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }
}
