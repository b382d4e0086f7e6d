package dev.connectnative.examples.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.examples.ConsulAdmin;
import dev.connectnative.examples.Example;
import dev.connectnative.examples.Mesh;
import dev.connectnative.netty.ConnectNetty;
import dev.connectnative.netty.ConnectNettyClient;
import dev.connectnative.netty.ConnectNettyServer;
import io.grpc.CallOptions;
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
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * A gRPC service {@code greeter} served by grpc-netty over Connect, and {@code web} calling it.
 * grpc-netty builds its own pipeline, so both sides take the TLS context of the Netty adapter
 * ({@code ConnectNettyServer#sslContext()}, {@code ConnectNettyClient#sslContext()}) with {@code
 * h2} in ALPN: the server authorizes each caller inside the handshake, the client refuses any
 * server that is not {@code greeter}. The method is declared by hand with a text marshaller, so the
 * example needs no protobuf code generation. Run with {@code ./demo.sh grpc}.
 */
public final class GrpcExample implements Example {
  private static final Duration READY = Duration.ofSeconds(60);

  /** The one method: a string in, a string out. */
  static final MethodDescriptor<String, String> GREET =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("examples.Greeter", "Greet"))
          .setRequestMarshaller(new Utf8())
          .setResponseMarshaller(new Utf8())
          .build();

  private static final Context.Key<ServiceIdentity> CALLER = Context.key("connect-caller");

  /**
   * Runs the example against the agent of the environment and exits with its outcome.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Example.main(new GrpcExample());
  }

  /**
   * Returns what the greeter answers to {@code name} from {@code caller}.
   *
   * @param name the request
   * @param caller the caller's verified identity
   * @return the answer
   */
  public static String reply(String name, ServiceIdentity caller) {
    return "hello " + name + ", greeter saw you as " + caller;
  }

  @Override
  public void run(Mesh mesh, PrintStream out) throws Exception {
    ConsulAdmin admin = mesh.admin();
    admin.allow("web", "greeter");
    try (ConnectService greeter = mesh.service("greeter").build();
        ConnectService web = mesh.service("web").build();
        ConnectNettyServer tls = ConnectNetty.server(greeter).applicationProtocols("h2").build();
        ConnectNettyClient toGreeter =
            ConnectNetty.client(web, "greeter").applicationProtocols("h2").build()) {
      greeter.awaitReady(READY);
      web.awaitReady(READY);
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sslContext(tls.sslContext())
              .addService(ServerInterceptors.intercept(greeterService(), new CallerIdentity()))
              .build()
              .start();
      String id = admin.register("greeter", "127.0.0.1", server.getPort());
      out.println(
          "grpc-netty serves greeter on 127.0.0.1:" + server.getPort() + " (h2 over mTLS).");
      ManagedChannel channel = null;
      try {
        List<ServiceInstance> instances =
            web.resolver()
                .resolve("greeter", DialOptions.DEFAULTS)
                .get(READY.toSeconds(), TimeUnit.SECONDS);
        Example.expect(!instances.isEmpty(), "a healthy greeter instance in the catalog");
        ServiceInstance instance = instances.get(0);
        channel =
            NettyChannelBuilder.forAddress(instance.host(), instance.port())
                .sslContext(toGreeter.sslContext())
                .build();
        String answer =
            ClientCalls.blockingUnaryCall(
                channel,
                GREET,
                CallOptions.DEFAULT.withDeadlineAfter(READY.toSeconds(), TimeUnit.SECONDS),
                "web");
        out.println("web -> greeter: Greet(\"web\")");
        out.println("greeter -> web: " + answer);
        String expected = reply("web", web.identity().leaf().id());
        Example.expect(expected.equals(answer), "the answer \"" + expected + "\"");
      } finally {
        if (channel != null) {
          channel.shutdownNow().awaitTermination(READY.toSeconds(), TimeUnit.SECONDS);
        }
        server.shutdownNow().awaitTermination(READY.toSeconds(), TimeUnit.SECONDS);
        admin.deregister(id);
      }
    } finally {
      admin.deleteIntention("web", "greeter");
    }
  }

  private static ServerServiceDefinition greeterService() {
    return ServerServiceDefinition.builder("examples.Greeter")
        .addMethod(
            GREET,
            ServerCalls.asyncUnaryCall(
                (name, response) -> {
                  response.onNext(reply(name, CALLER.get()));
                  response.onCompleted();
                }))
        .build();
  }

  /** Puts the caller's identity, read from the verified TLS session, into the call's context. */
  private static final class CallerIdentity implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      Context context = Context.current().withValue(CALLER, ConnectIdentity.of(session));
      return Contexts.interceptCall(context, call, headers, next);
    }
  }

  /** Strings as UTF-8 bytes on the wire. */
  private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a gRPC message", e);
      }
    }
  }
}
