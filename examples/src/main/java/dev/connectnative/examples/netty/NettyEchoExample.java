package dev.connectnative.examples.netty;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.examples.ConsulAdmin;
import dev.connectnative.examples.Example;
import dev.connectnative.examples.Mesh;
import dev.connectnative.netty.ConnectNetty;
import dev.connectnative.netty.ConnectNettyClient;
import dev.connectnative.netty.ConnectNettyServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Netty echo server as the Connect service {@code echo}, and a Netty client that connects to it
 * by name as {@code web}. Handlers see a channel only once TLS is done and (on the server) the
 * caller is authorized; {@link ConnectNetty#PEER_IDENTITY} then holds the peer. Run with {@code
 * ./demo.sh netty}.
 */
public final class NettyEchoExample implements Example {
  private static final Duration READY = Duration.ofSeconds(60);

  /**
   * Runs the example against the agent of the environment and exits with its outcome.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Example.main(new NettyEchoExample());
  }

  /**
   * Returns what the echo server answers to {@code line} from {@code caller}.
   *
   * @param line the line received
   * @param caller the caller's verified identity
   * @return the answer, without line end
   */
  public static String reply(String line, ServiceIdentity caller) {
    return line + " (netty echo saw you as " + caller + ")";
  }

  @Override
  public void run(Mesh mesh, PrintStream out) throws Exception {
    ConsulAdmin admin = mesh.admin();
    admin.allow("web", "echo");
    EventLoopGroup group =
        new NioEventLoopGroup(2, new DefaultThreadFactory("example-netty", true));
    try (ConnectService echo = mesh.service("echo").build();
        ConnectService web = mesh.service("web").build();
        ConnectNettyServer tls = ConnectNetty.server(echo).childHandler(new EchoInit()).build();
        ConnectNettyClient toEcho = ConnectNetty.client(web, "echo").build()) {
      echo.awaitReady(READY);
      web.awaitReady(READY);
      Channel listening =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(tls)
              .bind(InetAddress.getLoopbackAddress(), 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) listening.localAddress()).getPort();
      String id = admin.register("echo", "127.0.0.1", port);
      out.println("Netty serves echo on 127.0.0.1:" + port + " (mutual TLS, Connect-native).");
      try {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Channel channel =
            toEcho
                .connect(
                    new Bootstrap()
                        .group(group)
                        .channel(NioSocketChannel.class)
                        .handler(new ClientInit(answer)))
                .get(READY.toSeconds(), TimeUnit.SECONDS);
        ServiceIdentity server = channel.attr(ConnectNetty.PEER_IDENTITY).get();
        out.println("web connected to " + server);
        String line = "hello over netty";
        channel.writeAndFlush(line + "\n");
        String reply = answer.get(READY.toSeconds(), TimeUnit.SECONDS);
        out.println("web -> echo: " + line);
        out.println("echo -> web: " + reply);
        channel.close().sync();
        Example.expect("echo".equals(server.service()), "the server to be echo, got " + server);
        String expected = reply(line, web.identity().leaf().id());
        Example.expect(expected.equals(reply), "the reply \"" + expected + "\"");
      } finally {
        listening.close().sync();
        admin.deregister(id);
      }
    } finally {
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
      admin.deleteIntention("web", "echo");
    }
  }

  /** The server pipeline behind TLS: lines in, lines out. */
  private static final class EchoInit extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel channel) {
      channel
          .pipeline()
          .addLast(new LineBasedFrameDecoder(4096), new StringDecoder(UTF_8))
          .addLast(new StringEncoder(UTF_8))
          .addLast(
              new SimpleChannelInboundHandler<String>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, String line) {
                  ServiceIdentity caller = ctx.channel().attr(ConnectNetty.PEER_IDENTITY).get();
                  ctx.writeAndFlush(reply(line, caller) + "\n");
                }
              });
    }
  }

  /** The client pipeline behind TLS: completes {@code answer} with the first line received. */
  private static final class ClientInit extends ChannelInitializer<Channel> {
    private final CompletableFuture<String> answer;

    ClientInit(CompletableFuture<String> answer) {
      this.answer = answer;
    }

    @Override
    protected void initChannel(Channel channel) {
      channel
          .pipeline()
          .addLast(new LineBasedFrameDecoder(4096), new StringDecoder(UTF_8))
          .addLast(new StringEncoder(UTF_8))
          .addLast(
              new SimpleChannelInboundHandler<String>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, String line) {
                  answer.complete(line);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                  answer.completeExceptionally(cause);
                  ctx.close();
                }
              });
    }
  }
}
