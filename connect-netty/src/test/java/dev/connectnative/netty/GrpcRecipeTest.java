package dev.connectnative.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.ServiceIdentity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The README's gRPC recipe, run for real: a grpc-netty server and channel whose TLS comes from the
 * adapter's contexts, a unary call, the caller's identity read from the TLS session.
 */
class GrpcRecipeTest {
  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<String, String> SAY =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("connect.Echo/Say")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();
  private static final Context.Key<ServiceIdentity> CALLER = Context.key("caller");

  private Mesh mesh;
  private Mesh.Node echo;
  private Mesh.Node web;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() {
    mesh = new Mesh();
    echo = mesh.service("echo");
    web = mesh.service("web");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void unaryCallBetweenConnectServices(NettyTlsProvider provider) throws Exception {
    int port = startEcho(provider);
    channel = channelTo(provider, "echo", port);

    String answer =
        ClientCalls.blockingUnaryCall(channel, SAY, io.grpc.CallOptions.DEFAULT, "hello");

    assertThat(answer).isEqualTo("hello, " + web.service().identity().leaf().id());
    assertThat(mesh.intentions.requests)
        .extracting(r -> r.client().service() + "->" + r.target())
        .contains("web->echo");
    assertThat(mesh.intentions.threads)
        .isNotEmpty()
        .noneSatisfy(thread -> assertThat(thread.getName()).startsWith("test-loop"));
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void deniedCallerGetsNoAnswer(NettyTlsProvider provider) throws Exception {
    mesh.intentions.deny("web");
    int port = startEcho(provider);
    channel = channelTo(provider, "echo", port);

    assertThatThrownBy(
            () -> ClientCalls.blockingUnaryCall(channel, SAY, io.grpc.CallOptions.DEFAULT, "hello"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("UNAVAILABLE");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void channelToAnotherServiceIsRefusedInTheHandshake(NettyTlsProvider provider) throws Exception {
    int port = startEcho(provider);
    channel = channelTo(provider, "db", port);

    assertThatThrownBy(
            () -> ClientCalls.blockingUnaryCall(channel, SAY, io.grpc.CallOptions.DEFAULT, "hello"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageStartingWith("UNAVAILABLE")
        .rootCause()
        .hasMessageContaining("but this connection expects")
        .hasMessageContaining("/svc/db");
  }

  /** Server side of the recipe: the adapter's server context, h2 through ALPN. */
  private int startEcho(NettyTlsProvider provider) throws IOException {
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .applicationProtocols("h2")
                .build());
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("connect.Echo")
            .addMethod(
                SAY,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(request + ", " + CALLER.get());
                      response.onCompleted();
                    }))
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .channelType(NioServerSocketChannel.class)
            .bossEventLoopGroup(mesh.loop)
            .workerEventLoopGroup(mesh.loop)
            .sslContext(tls.sslContext())
            .addService(ServerInterceptors.intercept(service, new CallerIdentity()))
            .build()
            .start();
    return server.getPort();
  }

  /**
   * Client side of the recipe: the adapter's client context for the target, whose identity the
   * handshake checks. gRPC asks each engine for HTTPS endpoint identification; neither provider
   * applies it here, the Connect trust manager decides (JDK: it is an X509ExtendedTrustManager;
   * OpenSSL: Netty's verify callback hands the whole decision to it).
   */
  private ManagedChannel channelTo(NettyTlsProvider provider, String target, int port) {
    ConnectNettyClient client =
        mesh.own(
            ConnectNetty.client(web.service(), target)
                .provider(provider)
                .applicationProtocols("h2")
                .build());
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .channelType(NioSocketChannel.class)
        .eventLoopGroup(mesh.loop)
        .sslContext(client.sslContext())
        .build();
  }

  /** Puts the caller's verified identity into the call's context. */
  private static final class CallerIdentity implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      Context context = Context.current().withValue(CALLER, ConnectIdentity.of(session));
      return Contexts.interceptCall(context, call, headers, next);
    }
  }
}
