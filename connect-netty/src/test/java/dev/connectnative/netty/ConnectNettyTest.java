package dev.connectnative.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentityListener;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.IdentityStatus;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.service.DefaultConnectService;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real Netty servers and clients on loopback, with both TLS providers. */
class ConnectNettyTest {
  private Mesh mesh;
  private Mesh.Node echo;
  private Mesh.Node web;
  private TestAuthorizer authorizer;

  @BeforeEach
  void setUp() {
    mesh = new Mesh();
    echo = mesh.service("echo");
    web = mesh.service("web");
    authorizer = new TestAuthorizer();
  }

  @AfterEach
  void tearDown() throws Exception {
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void echoesBetweenVerifiedPeers(NettyTlsProvider provider) throws Exception {
    Recorder server = Recorder.echo();
    int port = serve(echo, provider, server);
    Recorder client = Recorder.sink();
    ConnectNettyClient toEcho = client(web, provider, instance(port));

    Channel channel = toEcho.connect(mesh.bootstrap(client)).get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("hello, echo")).sync();

    assertThat(client.text(11)).isEqualTo("hello, echo");
    assertThat(toEcho.provider()).isEqualTo(provider);
    assertThat(channel.attr(ConnectNetty.PEER_IDENTITY).get()).isEqualTo(identity(echo));
    assertThat(client.peers).containsExactly(identity(echo));
    assertThat(server.peers).containsExactly(identity(web));
    assertThat(server.events).startsWith("active", "read");
    AuthorizationRequest asked = authorizer.requests.get(0);
    assertThat(asked.target()).isEqualTo("echo");
    assertThat(asked.client()).isEqualTo(identity(web));
    assertThat(asked.clientCertSerial()).isEqualTo(web.service().identity().leaf().serialNumber());
    assertThat(channel.pipeline().get(SslHandler.class).engine().getSession().getProtocol())
        .isEqualTo("TLSv1.3");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void deniedClientIsClosedBeforeTheHandlerSeesAnything(NettyTlsProvider provider)
      throws Exception {
    authorizer.deny("web");
    Recorder server = Recorder.echo();
    int port = serve(echo, provider, server);
    Recorder client = Recorder.sink();

    Channel channel =
        client(web, provider, instance(port))
            .connect(mesh.bootstrap(client))
            .get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("secret"));

    assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(authorizer.requests).extracting(r -> r.client().service()).containsExactly("web");
    assertThat(server.events).isEmpty();
    assertThat(client.events).doesNotContain("read");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void writesBeforeTheDecisionAreHeldAndDroppedForADeniedClient(NettyTlsProvider provider)
      throws Exception {
    ChannelInitializer<Channel> greeter =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel channel) {
            channel.writeAndFlush(text("welcome "));
            channel.pipeline().addLast(Recorder.echo());
          }
        };
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .authorizer(authorizer)
                .childHandler(greeter)
                .build());
    int port = mesh.listen(tls);
    Mesh.Node api = mesh.service("api");
    authorizer.deny("web");

    Recorder denied = Recorder.sink();
    Channel refused =
        client(web, provider, instance(port))
            .connect(mesh.bootstrap(denied))
            .get(10, TimeUnit.SECONDS);
    assertThat(refused.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(denied.events).doesNotContain("read");

    Recorder allowed = Recorder.sink();
    Channel channel =
        client(api, provider, instance(port))
            .connect(mesh.bootstrap(allowed))
            .get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("hi")).sync();
    assertThat(allowed.text(10)).isEqualTo("welcome hi");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void authorizesOffTheEventLoopWithoutHoldingOtherConnections(NettyTlsProvider provider)
      throws Exception {
    Mesh.Node api = mesh.service("api");
    CompletableFuture<AuthorizationDecision> webDecision = authorizer.pending("web");
    Recorder server = Recorder.echo();
    int port = serve(echo, provider, server);

    Channel waiting =
        client(web, provider, instance(port))
            .connect(mesh.bootstrap(Recorder.sink()))
            .get(10, TimeUnit.SECONDS);
    waiting.writeAndFlush(text("held back"));
    await().until(() -> authorizer.requests.size() == 1);

    Recorder apiClient = Recorder.sink();
    Channel allowed =
        client(api, provider, instance(port))
            .connect(mesh.bootstrap(apiClient))
            .get(10, TimeUnit.SECONDS);
    allowed.writeAndFlush(text("ping")).sync();
    assertThat(apiClient.text(4)).isEqualTo("ping");
    assertThat(server.peers).containsExactly(identity(api));

    assertThat(authorizer.threads)
        .hasSize(2)
        .allSatisfy(
            thread -> {
              assertThat(thread.getName()).startsWith("connect-netty-echo-");
              assertThat(server.loops.get(0).inEventLoop(thread)).isFalse();
            });

    webDecision.complete(AuthorizationDecision.deny("intention changed its mind"));
    assertThat(waiting.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(server.peers).containsExactly(identity(api));
    assertThat(server.events).containsExactly("active", "read");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void undecidedClientIsRefusedAfterTheAuthorizationTimeout(NettyTlsProvider provider)
      throws Exception {
    authorizer.pending("web");
    Recorder server = Recorder.echo();
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .authorizer(authorizer)
                .authorizationTimeout(Duration.ofMillis(200))
                .childHandler(server)
                .build());
    int port = mesh.listen(tls);

    Channel channel =
        client(web, provider, instance(port))
            .connect(mesh.bootstrap(Recorder.sink()))
            .get(10, TimeUnit.SECONDS);

    assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(authorizer.requests).hasSize(1);
    assertThat(server.events).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void rotatedLeavesServeNewHandshakesWhileOpenConnectionsCarryOn(NettyTlsProvider provider)
      throws Exception {
    int port = serve(echo, provider, Recorder.echo());
    ConnectNettyClient toEcho = client(web, provider, instance(port));
    Recorder first = Recorder.sink();
    Channel before = toEcho.connect(mesh.bootstrap(first)).get(10, TimeUnit.SECONDS);
    before.writeAndFlush(text("one")).sync();
    assertThat(first.text(3)).isEqualTo("one");
    X509Certificate oldServerLeaf = serverLeaf(before);
    String oldClientSerial = web.service().identity().leaf().serialNumber();

    IdentitySnapshot echoNow = echo.rotate();
    IdentitySnapshot webNow = web.rotate();

    before.writeAndFlush(text("two")).sync();
    assertThat(first.text(3)).isEqualTo("two");
    Recorder second = Recorder.sink();
    Channel after = toEcho.connect(mesh.bootstrap(second)).get(10, TimeUnit.SECONDS);
    after.writeAndFlush(text("three")).sync();
    assertThat(second.text(5)).isEqualTo("three");

    assertThat(serverLeaf(after).getSerialNumber())
        .isEqualTo(echoNow.leaf().certificate().getSerialNumber())
        .isNotEqualTo(oldServerLeaf.getSerialNumber());
    assertThat(authorizer.requests)
        .extracting(AuthorizationRequest::clientCertSerial)
        .containsExactly(oldClientSerial, webNow.leaf().serialNumber());
    assertThat(before.isActive()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void serverOfAnotherServiceIsRefusedInsideTheHandshake(NettyTlsProvider provider)
      throws Exception {
    Mesh.Node db = mesh.service("db");
    Recorder dbServer = Recorder.echo();
    int port = serve(db, provider, dbServer);

    CompletableFuture<Channel> attempt =
        client(web, provider, instance(port)).connect(mesh.bootstrap(Recorder.sink()));

    assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("server presented " + identity(db))
        .hasMessageContaining("but this connection expects " + identity(echo))
        .hasCauseInstanceOf(java.io.IOException.class)
        .rootCause()
        .isInstanceOf(java.security.cert.CertificateException.class);
    assertThat(causes(attempt)).anyMatch(SSLException.class::isInstance);
    assertThat(dbServer.events).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void theDialedInstanceIdentityIsWhatTheHandshakeChecks(NettyTlsProvider provider)
      throws Exception {
    int port = serve(echo, provider, Recorder.echo());
    ServiceInstance inDc2 = ServiceInstance.of("echo", "dc2", "127.0.0.1", port);

    CompletableFuture<Channel> attempt =
        client(web, provider, inDc2).connect(mesh.bootstrap(Recorder.sink()));

    assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
        .hasMessageContaining("but this connection expects " + inDc2.expectedIdentity(td()));
    assertThat(causes(attempt)).anyMatch(SSLException.class::isInstance);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void theDialedInstanceIdentityIsCheckedInTheHandshakeWithAlpnToo(NettyTlsProvider provider)
      throws Exception {
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .authorizer(authorizer)
                .applicationProtocols("h2")
                .childHandler(Recorder.echo())
                .build());
    int port = mesh.listen(tls);
    ServiceInstance inDc2 = ServiceInstance.of("echo", "dc2", "127.0.0.1", port);
    ConnectNettyClient h2 =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(provider)
                .applicationProtocols("h2")
                .resolver(Resolver.of(List.of(inDc2)))
                .build());

    CompletableFuture<Channel> attempt = h2.connect(mesh.bootstrap(Recorder.sink()));

    assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
        .hasMessageContaining("but this connection expects " + inDc2.expectedIdentity(td()));
    assertThat(causes(attempt)).anyMatch(SSLException.class::isInstance);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void failsOverToTheNextInstance(NettyTlsProvider provider) throws Exception {
    int port = serve(echo, provider, Recorder.echo());
    int closedPort;
    try (ServerSocket free = new ServerSocket(0)) {
      closedPort = free.getLocalPort();
    }
    ConnectNettyClient toEcho =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(provider)
                .resolver(Resolver.of(List.of(instance(closedPort), instance(port))))
                .build());

    for (int i = 0; i < 2; i++) {
      Recorder client = Recorder.sink();
      Channel channel = toEcho.connect(mesh.bootstrap(client)).get(10, TimeUnit.SECONDS);
      channel.writeAndFlush(text("again")).sync();
      assertThat(client.text(5)).isEqualTo("again");
      assertThat(client.events).startsWith("active");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void aServerThatNeverAnswersTheHandshakeFailsTheConnectAtTheHandshakeTimeout(
      NettyTlsProvider provider) throws Exception {
    assertConnectToASilentServerFails(
        provider,
        DialOptions.builder()
            .handshakeTimeout(Duration.ofMillis(300))
            .timeout(Duration.ofSeconds(20))
            .build(),
        "cannot connect to \"echo\"",
        "handshake timed out after 300ms");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void theWholeConnectIsBoundedByTheDialTimeout(NettyTlsProvider provider) throws Exception {
    assertConnectToASilentServerFails(
        provider,
        DialOptions.builder()
            .handshakeTimeout(Duration.ofSeconds(20))
            .timeout(Duration.ofMillis(400))
            .build(),
        "cannot connect to \"echo\" within 400 ms");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void discoveryThatNeverAnswersIsBoundedByTheDialTimeout(NettyTlsProvider provider) {
    Resolver neverAnswers = (name, options) -> new CompletableFuture<>();
    ConnectNettyClient toEcho =
        clientWith(
            provider, neverAnswers, DialOptions.builder().timeout(Duration.ofMillis(400)).build());

    CompletableFuture<Channel> attempt = toEcho.connect(mesh.bootstrap(Recorder.sink()));

    assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
        .hasMessageContaining("cannot connect to \"echo\" within 400 ms");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void negotiatesAlpnAndStillChecksTheServer(NettyTlsProvider provider) throws Exception {
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .provider(provider)
                .authorizer(authorizer)
                .applicationProtocols("h2", "http/1.1")
                .childHandler(Recorder.echo())
                .build());
    int port = mesh.listen(tls);
    ConnectNettyClient h2 =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(provider)
                .applicationProtocols("h2")
                .resolver(Resolver.of(List.of(instance(port))))
                .build());
    Recorder client = Recorder.sink();

    Channel channel = h2.connect(mesh.bootstrap(client)).get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("h2?")).sync();

    assertThat(client.text(3)).isEqualTo("h2?");
    assertThat(channel.pipeline().get(SslHandler.class).applicationProtocol()).isEqualTo("h2");

    Mesh.Node db = mesh.service("db");
    ConnectNettyServer dbTls =
        mesh.own(
            ConnectNetty.server(db.service())
                .provider(provider)
                .authorizer(authorizer)
                .applicationProtocols("h2")
                .childHandler(Recorder.echo())
                .build());
    int dbPort = mesh.listen(dbTls);
    ConnectNettyClient wrong =
        mesh.own(
            ConnectNetty.client(web.service(), "echo")
                .provider(provider)
                .applicationProtocols("h2")
                .resolver(Resolver.of(List.of(instance(dbPort))))
                .build());
    assertThatThrownBy(
            () -> wrong.connect(mesh.bootstrap(Recorder.sink())).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("but this connection expects " + identity(echo));
  }

  @Test
  void autoPrefersOpenSslWhenItLoads() {
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service())
                .authorizer(authorizer)
                .childHandler(Recorder.echo())
                .build());

    assertThat(tls.provider())
        .isEqualTo(OpenSsl.isAvailable() ? NettyTlsProvider.OPENSSL : NettyTlsProvider.JDK);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void everyConnectionIsAuthorizedEvenWhenTheClientOffersResumption(NettyTlsProvider provider)
      throws Exception {
    Recorder server = Recorder.echo();
    int port = serve(echo, provider, server);
    SslContext resuming =
        SslContextBuilder.forClient()
            .sslProvider(provider == NettyTlsProvider.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
            .keyManager(web.service().keyManager())
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build();

    for (int i = 0; i < 3; i++) {
      Recorder client = Recorder.sink();
      Channel channel = mesh.plainTlsConnect(resuming, "echo.resume.test", port, client);
      channel.writeAndFlush(text("again")).sync();
      assertThat(client.text(5)).isEqualTo("again");
      channel.close().sync();
    }

    assertThat(authorizer.requests).hasSize(3);
    assertThat(server.peers).containsExactly(identity(web), identity(web), identity(web));
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void theServiceAuthorizerDecidesByDefault(NettyTlsProvider provider) throws Exception {
    mesh.intentions.deny("web");
    Recorder server = Recorder.echo();
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service()).provider(provider).childHandler(server).build());
    int port = mesh.listen(tls);

    CompletableFuture<Channel> attempt =
        client(web, provider, instance(port)).connect(mesh.bootstrap(Recorder.sink()));
    Channel channel = attempt.handle((c, e) -> c).get(10, TimeUnit.SECONDS);

    if (channel != null) {
      assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(mesh.intentions.requests).isNotEmpty().allMatch(r -> r.target().equals("echo"));
    assertThat(mesh.intentions.threads)
        .allSatisfy(thread -> assertThat(thread.getName()).startsWith("connect-netty-echo-"));
    assertThat(server.events).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void openConnectionsAreClosedWhenTheIntentionsNoLongerAllowThem(NettyTlsProvider provider)
      throws Exception {
    Recorder server = Recorder.echo();
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(echo.service()).provider(provider).childHandler(server).build());
    int port = mesh.listen(tls);
    Recorder client = Recorder.sink();
    Channel channel =
        client(web, provider, instance(port))
            .connect(mesh.bootstrap(client))
            .get(10, TimeUnit.SECONDS);
    channel.writeAndFlush(text("still allowed")).sync();
    assertThat(client.text(13)).isEqualTo("still allowed");

    mesh.intentions.deny("web");
    int revoked =
        ((DefaultConnectService) echo.service())
            .liveConnections()
            .reauthorizeAll(echo.service().authorizer())
            .get(10, TimeUnit.SECONDS);

    assertThat(revoked).isEqualTo(1);
    assertThat(channel.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(server.events).containsExactly("active", "read", "inactive");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void aServerThatIsNotReadyClosesConnectionsAndKeepsServing(NettyTlsProvider provider)
      throws Exception {
    ConnectService lonely =
        mesh.own(
            Connect.service("echo")
                .identitySource(nothingYet())
                .authorizer(mesh.intentions)
                .build());
    Recorder server = Recorder.echo();
    int port =
        mesh.listen(
            mesh.own(
                ConnectNetty.server(lonely)
                    .provider(provider)
                    .authorizer(authorizer)
                    .childHandler(server)
                    .build()));

    CompletableFuture<Channel> refused =
        client(web, provider, instance(port)).connect(mesh.bootstrap(Recorder.sink()));

    assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("cannot connect to \"echo\"");
    assertThat(server.events).isEmpty();
    assertThat(authorizer.requests).isEmpty();
  }

  @Test
  void aClientThatIsNotReadyFailsToConnectWithTheReason() throws Exception {
    ConnectService lonely =
        mesh.own(
            Connect.service("lonely")
                .identitySource(nothingYet())
                .authorizer(mesh.intentions)
                .build());
    ConnectNettyClient client =
        mesh.own(
            ConnectNetty.client(lonely, "echo")
                .provider(NettyTlsProvider.JDK)
                .resolver(Resolver.of(List.of(instance(1))))
                .build());

    assertThatThrownBy(
            () -> client.connect(mesh.bootstrap(Recorder.sink())).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(java.io.IOException.class)
        .hasMessageContaining("cannot connect to \"echo\": service \"lonely\" not ready");
  }

  @Test
  void buildersRefuseMissingAndRepeatedSettings() {
    assertThatThrownBy(
            () ->
                ConnectNetty.server(echo.service())
                    .authorizationTimeout(Duration.ofSeconds(1))
                    .authorizationTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("authorizationTimeout is already set");
    assertThatThrownBy(
            () -> ConnectNetty.server(echo.service()).authorizationTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ConnectNetty.server(echo.service())
                    .childHandler(new ChannelInboundHandlerAdapter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not @Sharable");
    assertThatThrownBy(
            () ->
                ConnectNetty.server(echo.service())
                    .provider(NettyTlsProvider.JDK)
                    .provider(NettyTlsProvider.JDK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider is already set");
    assertThatThrownBy(
            () ->
                ConnectNetty.client(web.service(), "echo")
                    .resolver(Resolver.of(List.of()))
                    .resolver(Resolver.of(List.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("resolver is already set");
    assertThatThrownBy(() -> ConnectNetty.client(web.service(), ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static IdentitySource nothingYet() {
    return new IdentitySource() {
      @Override
      public Optional<IdentitySnapshot> current() {
        return Optional.empty();
      }

      @Override
      public void addListener(IdentityListener listener) {}

      @Override
      public IdentityStatus status() {
        return new IdentityStatus(false, false, Optional.empty());
      }

      @Override
      public void close() {}
    };
  }

  private int serve(Mesh.Node node, NettyTlsProvider provider, Recorder handler)
      throws InterruptedException {
    ConnectNettyServer tls =
        mesh.own(
            ConnectNetty.server(node.service())
                .provider(provider)
                .authorizer(authorizer)
                .childHandler(handler)
                .build());
    assertThat(tls.provider()).isEqualTo(provider);
    return mesh.listen(tls);
  }

  private ConnectNettyClient client(
      Mesh.Node from, NettyTlsProvider provider, ServiceInstance instance) {
    return mesh.own(
        ConnectNetty.client(from.service(), "echo")
            .provider(provider)
            .resolver(Resolver.of(List.of(instance)))
            .build());
  }

  /**
   * Connects to a server that accepts TCP connections and never says a word, and checks that the
   * connect fails within 5 seconds with a message containing each of {@code messages}.
   */
  private void assertConnectToASilentServerFails(
      NettyTlsProvider provider, DialOptions options, String... messages) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      ConnectNettyClient toEcho =
          clientWith(provider, Resolver.of(List.of(instance(silent.getLocalPort()))), options);

      long start = System.nanoTime();
      CompletableFuture<Channel> attempt = toEcho.connect(mesh.bootstrap(Recorder.sink()));

      assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).hasMessageContainingAll(messages);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  private ConnectNettyClient clientWith(
      NettyTlsProvider provider, Resolver resolver, DialOptions options) {
    return mesh.own(
        ConnectNetty.client(web.service(), "echo")
            .provider(provider)
            .resolver(resolver)
            .options(options)
            .build());
  }

  private static ServiceInstance instance(int port) {
    return ServiceInstance.of("echo", "dc1", "127.0.0.1", port);
  }

  private String td() {
    return mesh.ca.trustDomain();
  }

  private static ServiceIdentity identity(Mesh.Node node) {
    return node.service().identity().leaf().id();
  }

  private static X509Certificate serverLeaf(Channel channel) throws SSLException {
    return (X509Certificate)
        channel.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0];
  }

  private static List<Throwable> causes(CompletableFuture<?> failed) {
    List<Throwable> chain = new java.util.ArrayList<>();
    Throwable t = failed.handle((v, e) -> e).join();
    while (t != null && !chain.contains(t)) {
      chain.add(t);
      t = t.getCause();
    }
    return chain;
  }

  private static io.netty.buffer.ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }
}
