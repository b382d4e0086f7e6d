package dev.connectnative.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.testkit.MutableClock;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.internal.tcnative.SSL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS session resumption with OpenSSL: the adapter's client resumes against the adapter's server,
 * every resumed connection still passes the gate (authorization, identity, leaf validity),
 * rotations end the sessions, and the contexts handed to other frameworks resume nothing.
 */
class SessionResumptionTest {
  private Mesh mesh;
  private MutableClock serverClock;
  private MutableClock clientClock;
  private Mesh.Node echo;
  private Mesh.Node web;
  private TestAuthorizer authorizer;

  @BeforeEach
  void setUp() {
    mesh = new Mesh();
    serverClock = new MutableClock();
    clientClock = new MutableClock();
    echo = mesh.service("echo", "dc1", serverClock);
    web = mesh.service("web", "dc1", clientClock);
    authorizer = new TestAuthorizer();
  }

  @AfterEach
  void tearDown() {
    mesh.close();
  }

  @Test
  void theClientResumesAndTheServerStillAuthorizesEveryConnection() throws Exception {
    ConnectNettyClient client = client(serve(Recorder.echo()));

    List<Boolean> resumed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      resumed.add(roundTrip(client));
    }

    assertThat(resumed).containsExactly(false, true, true);
    assertThat(authorizer.requests)
        .extracting(AuthorizationRequest::client)
        .containsExactly(id(web), id(web), id(web));
  }

  @Test
  void aClientDeniedSinceItsSessionBeganIsRefusedOnResumption() throws Exception {
    Recorder server = Recorder.echo();
    ConnectNettyClient client = client(serve(server));
    assertThat(roundTrip(client)).isFalse();
    authorizer.deny("web");

    Recorder refused = Recorder.sink();
    Probe probe = new Probe();
    Channel channel = client.connect(probed(probe, refused)).get(10, TimeUnit.SECONDS);
    boolean wasResumed = probe.resumed.get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("secret"));

    assertThat(wasResumed).isTrue();
    assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(server.events).containsExactly("active", "read", "inactive");
    assertThat(refused.events).doesNotContain("read");
    assertThat(authorizer.requests).hasSize(2);
  }

  @Test
  void aClientLeafThatExpiredSinceItsSessionBeganIsRefusedOnResumption() throws Exception {
    Recorder server = Recorder.echo();
    ConnectNettyClient client = client(serve(server));
    assertThat(roundTrip(client)).isFalse();
    serverClock.advance(untilExpiry(web));

    Probe probe = new Probe();
    Channel channel = client.connect(probed(probe, Recorder.sink())).get(10, TimeUnit.SECONDS);
    boolean wasResumed = probe.resumed.get(10, TimeUnit.SECONDS);

    assertThat(wasResumed).isTrue();
    assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(server.events).containsExactly("active", "read", "inactive");
    assertThat(authorizer.requests).hasSize(1);
  }

  @Test
  void aServerLeafThatExpiredSinceTheSessionBeganIsRefusedOnResumption() throws Exception {
    ConnectNettyClient client = client(serve(Recorder.echo()));
    assertThat(roundTrip(client)).isFalse();
    clientClock.advance(untilExpiry(echo));

    assertThatThrownBy(
            () -> client.connect(mesh.bootstrap(Recorder.sink())).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("server certificate " + id(echo))
        .hasMessageContaining("expired at");
  }

  @Test
  void aServerRotationEndsTheSessionsItIssued() throws Exception {
    ConnectNettyClient client = client(serve(Recorder.echo()));
    assertThat(roundTrip(client)).isFalse();
    assertThat(roundTrip(client)).isTrue();

    echo.rotate();

    // The client still holds tickets from before (two per connection); each one it offers is
    // declined (a full handshake) and used up, until a ticket issued after the rotation resumes.
    assertThat(roundTrip(client)).isFalse();
    List<Boolean> after = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      after.add(roundTrip(client));
    }
    assertThat(after).contains(true);
  }

  @Test
  void aClientRotationDropsItsCachedSessions() throws Exception {
    ConnectNettyClient client = client(serve(Recorder.echo()));
    assertThat(roundTrip(client)).isFalse();
    assertThat(roundTrip(client)).isTrue();

    web.rotate();

    assertThat(roundTrip(client)).isFalse();
    assertThat(authorizer.requests.get(2).clientCertSerial())
        .isEqualTo(web.service().identity().leaf().serialNumber());
  }

  @Test
  void resumptionCanBeTurnedOff() throws Exception {
    int port = serve(Recorder.echo());
    ConnectNettyClient client =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(NettyTlsProvider.OPENSSL)
                .resolver(Resolver.of(List.of(instance(port))))
                .sessionResumption(false)
                .build());

    assertThat(List.of(roundTrip(client), roundTrip(client), roundTrip(client)))
        .containsExactly(false, false, false);
  }

  @Test
  void theServerContextForOtherFrameworksNeitherIssuesNorAcceptsTickets() throws Exception {
    ConnectNettyServer tls = tlsServer(Recorder.echo());
    Recorder server = Recorder.echo();
    int port =
        mesh.listen(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.sslContext().newHandler(ch.alloc())).addLast(server);
              }
            });
    SslContext resuming =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .keyManager(web.service().keyManager())
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build();

    List<Boolean> resumed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      resumed.add(plainRoundTrip(resuming, port));
    }
    mesh.intentions.deny("web");

    Recorder refused = Recorder.sink();
    Channel denied = mesh.plainTlsConnect(resuming, "echo.default.dc1.internal", port, refused);
    denied.writeAndFlush(text("secret"));

    assertThat(resumed).containsExactly(false, false, false);
    assertThat(denied.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.events).doesNotContain("read");
    assertThat(server.events).doesNotContain("exception");
    assertThat(mesh.intentions.requests).hasSize(4);
  }

  @Test
  void theClientContextForOtherFrameworksKeepsNoSessions() throws Exception {
    int port = serve(Recorder.echo());
    ConnectNettyClient client = client(port);

    List<Boolean> resumed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      resumed.add(plainRoundTrip(client.sslContext(), port));
    }

    assertThat(resumed).containsExactly(false, false, false);
  }

  private int serve(Recorder handler) throws InterruptedException {
    return mesh.listen(tlsServer(handler));
  }

  private ConnectNettyServer tlsServer(Recorder handler) {
    return mesh.own(
        ConnectNetty.server(echo.service())
            .provider(NettyTlsProvider.OPENSSL)
            .authorizer(authorizer)
            .childHandler(handler)
            .build());
  }

  private ConnectNettyClient client(int port) {
    return mesh.own(
        ConnectNetty.client(web.service(), "echo")
            .provider(NettyTlsProvider.OPENSSL)
            .resolver(Resolver.of(List.of(instance(port))))
            .build());
  }

  /** Connects, echoes a message, closes; returns whether the TLS session was resumed. */
  private boolean roundTrip(ConnectNettyClient client) throws Exception {
    Recorder recorder = Recorder.sink();
    Probe probe = new Probe();
    Channel channel = client.connect(probed(probe, recorder)).get(10, TimeUnit.SECONDS);
    boolean wasResumed = probe.resumed.get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("ping")).sync();
    assertThat(recorder.text(4)).isEqualTo("ping");
    channel.close().sync();
    return wasResumed;
  }

  /** A round trip with a bare Netty client pipeline over {@code context}. */
  private boolean plainRoundTrip(SslContext context, int port) throws Exception {
    Recorder recorder = Recorder.sink();
    Channel channel = mesh.plainTlsConnect(context, "echo.default.dc1.internal", port, recorder);
    channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
    boolean wasResumed = resumed(channel);
    channel.writeAndFlush(text("ping")).sync();
    assertThat(recorder.text(4)).isEqualTo("ping");
    channel.close().sync();
    return wasResumed;
  }

  /**
   * A client bootstrap whose handler first records, when the connection opens (the TLS handler and
   * its engine are still there even if the server closes right after), whether it was resumed.
   */
  private Bootstrap probed(Probe probe, Recorder recorder) {
    return mesh.bootstrap(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(probe, recorder);
          }
        });
  }

  /** Records whether the session of the connection it sits on was resumed, once it opens. */
  private static final class Probe extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Boolean> resumed = new CompletableFuture<>();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      resumed.complete(resumed(ctx.channel()));
      ctx.fireChannelActive();
    }
  }

  private static boolean resumed(Channel channel) {
    ReferenceCountedOpenSslEngine engine =
        (ReferenceCountedOpenSslEngine) channel.pipeline().get(SslHandler.class).engine();
    return SSL.isSessionReused(engine.sslPointer());
  }

  private static Duration untilExpiry(Mesh.Node node) {
    return Duration.between(Instant.now(), node.service().identity().leaf().notAfter())
        .plusMinutes(1);
  }

  private static ServiceInstance instance(int port) {
    return ServiceInstance.of("echo", "dc1", "127.0.0.1", port);
  }

  private static ServiceIdentity id(Mesh.Node node) {
    return node.service().identity().leaf().id();
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }
}
