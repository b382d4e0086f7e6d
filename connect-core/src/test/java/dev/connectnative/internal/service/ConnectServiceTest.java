package dev.connectnative.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import dev.connectnative.Connect;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.NotReadyException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.internal.tls.ExpectedPeers;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectServiceTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration READY = Duration.ofSeconds(20);

  private final ExecutorService servers = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    servers.shutdownNow();
  }

  @Test
  void aServiceOnADevAgentBecomesReadyWithItsOwnIdentity() {
    try (DevAgent agent = DevAgent.builder().start();
        ConnectService web = Connect.service("web").agent(config(agent)).build()) {
      web.awaitReady(READY);

      IdentitySnapshot identity = web.identity();
      assertThat(web.isReady()).isTrue();
      assertThat(web.name()).isEqualTo("web");
      assertThat(identity.leaf().id().toString()).isEqualTo(agent.serviceUri("web"));
      assertThat(identity.trust().trustDomain()).isEqualTo(agent.trustDomain());
      assertThat(identity.trust().activeRoot()).isEqualTo(agent.activeCa().rootCertificate());
      assertThat(web.status().ready()).isTrue();
      assertThat(web.sslContext()).isSameAs(web.sslContext());
      assertThat(web.keyManager().chooseServerAlias("EC", null, null))
          .isEqualTo("leaf-" + identity.revision());
    }
  }

  @Test
  void aConnectionStaysOpenAcrossLeafAndCaRotationsWhileNewHandshakesUseTheNewLeaf()
      throws Exception {
    List<String> rotations = new CopyOnWriteArrayList<>();
    ConnectListener recorder =
        new ConnectListener() {
          @Override
          public void onIdentityRotated(IdentitySnapshot previous, IdentitySnapshot current) {
            rotations.add(previous.leaf().serialNumber() + "->" + current.leaf().serialNumber());
          }
        };
    try (DevAgent agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
        ConnectService web = Connect.service("web").agent(config(agent)).build();
        ConnectService echo =
            Connect.service("echo").agent(config(agent)).listener(recorder).build()) {
      web.awaitReady(READY);
      echo.awaitReady(READY);
      ServiceIdentity echoId = echo.identity().leaf().id();

      try (SSLServerSocket server = listen(echo);
          SSLSocket open = dial(web, server, echoId)) {
        assertThat(roundTrip(open, 1)).isEqualTo(1);
        X509Certificate firstEchoLeaf = echo.identity().leaf().certificate();

        agent.renewLeaf("echo");
        await()
            .atMost(READY)
            .until(() -> !echo.identity().leaf().certificate().equals(firstEchoLeaf));
        X509Certificate renewed = echo.identity().leaf().certificate();

        assertThat(roundTrip(open, 2)).isEqualTo(2);
        try (SSLSocket next = dial(web, server, echoId)) {
          assertThat(roundTrip(next, 3)).isEqualTo(3);
          assertThat(next.getSession().getPeerCertificates()[0]).isEqualTo(renewed);
        }

        agent.rotateCa();
        X509Certificate newRoot = agent.activeCa().rootCertificate();
        await().atMost(READY).until(() -> issuedBy(echo, newRoot) && issuedBy(web, newRoot));

        assertThat(echo.identity().trust().roots()).hasSize(2).contains(newRoot);
        assertThat(roundTrip(open, 4)).isEqualTo(4);
        try (SSLSocket afterCaRotation = dial(web, server, echoId)) {
          assertThat(roundTrip(afterCaRotation, 5)).isEqualTo(5);
          assertThat(afterCaRotation.getSession().getPeerCertificates()[0])
              .isEqualTo(echo.identity().leaf().certificate());
          assertThat(afterCaRotation.getSession().getLocalCertificates()[0])
              .isEqualTo(web.identity().leaf().certificate());
        }
      }
      assertThat(rotations).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void awaitReadyNamesWhatIsMissingAndTheAgentsAnswer() throws Exception {
    int deadPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = probe.getLocalPort();
    }
    CompletableFuture<ConnectException> reported = new CompletableFuture<>();
    String name = "web-" + NAMES.incrementAndGet();
    try (ConnectService web =
        Connect.service(name)
            .agent(AgentConfig.builder().address("127.0.0.1:" + deadPort).build())
            .listener(
                new ConnectListener() {
                  @Override
                  public void onAgentError(ConnectException error) {
                    reported.complete(error);
                  }
                })
            .build()) {
      assertThat(reported.get(20, TimeUnit.SECONDS)).isInstanceOf(AgentException.class);

      assertThatThrownBy(() -> web.awaitReady(Duration.ofMillis(50)))
          .isInstanceOf(NotReadyException.class)
          .hasMessageStartingWith(
              "service \""
                  + name
                  + "\" not ready after PT0.05S: no trust roots and no leaf certificate yet; last error: ")
          .hasCauseInstanceOf(AgentException.class);
      assertThatThrownBy(web::identity).isInstanceOf(NotReadyException.class);
      assertThat(web.isReady()).isFalse();
    }
  }

  @Test
  void closeStopsTheThreadItStartedButNotACallersExecutor() {
    String name = "svc-" + NAMES.incrementAndGet();
    ScheduledExecutorService callers = Executors.newSingleThreadScheduledExecutor();
    try (DevAgent agent = DevAgent.builder().start()) {
      ConnectService own = Connect.service(name).agent(config(agent)).build();
      ConnectService shared = Connect.service(name).agent(config(agent)).executor(callers).build();
      own.awaitReady(READY);
      shared.awaitReady(READY);
      assertThat(threadNamed("connect-" + name)).isTrue();

      own.close();
      own.close();
      shared.close();

      await().atMost(READY).until(() -> !threadNamed("connect-" + name));
      assertThat(callers.isShutdown()).isFalse();
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aStaticIdentitySourceServesAtOnceAndReportsRotations() {
    TestCa ca = TestCa.create();
    IssuedLeaf first = ca.leaf("web");
    IssuedLeaf second = ca.leaf("web");
    List<String> rotations = new CopyOnWriteArrayList<>();
    try (StaticIdentitySource source =
            StaticIdentitySource.fromPem(
                ca.rootPem(), first.certificatePem(), first.privateKeyPem());
        ConnectService web =
            Connect.service("web")
                .identitySource(source)
                .listener(
                    new ConnectListener() {
                      @Override
                      public void onIdentityRotated(
                          IdentitySnapshot previous, IdentitySnapshot current) {
                        rotations.add(previous.revision() + "->" + current.revision());
                      }
                    })
                .build()) {
      assertThat(web.isReady()).isTrue();
      web.awaitReady(Duration.ZERO);

      source.update(
          web.identity().trust(),
          LeafCertificate.fromPem(second.certificatePem(), second.privateKeyPem()));

      assertThat(rotations).containsExactly("0->1");
      assertThat(web.identity().leaf().serialNumber())
          .isEqualTo(
              LeafCertificate.fromPem(second.certificatePem(), second.privateKeyPem())
                  .serialNumber());
    }
  }

  @Test
  void builderSettingsAreSetOnce() {
    Connect.Builder builder = Connect.service("web").clock(java.time.Clock.systemUTC());

    assertThatThrownBy(() -> builder.clock(java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("clock is already set");
    assertThatThrownBy(() -> builder.listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
    assertThatThrownBy(() -> Connect.service("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Connect.service("")).isInstanceOf(IllegalArgumentException.class);
  }

  private static AgentConfig config(DevAgent agent) {
    return AgentConfig.builder().address(agent.address()).build();
  }

  private static boolean issuedBy(ConnectService service, X509Certificate root) {
    X509Certificate leaf = service.identity().leaf().certificate();
    try {
      leaf.verify(root.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  private SSLServerSocket listen(ConnectService service) throws IOException {
    SSLServerSocket server =
        (SSLServerSocket)
            service
                .sslContext()
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              SSLSocket accepted = (SSLSocket) server.accept();
              servers.execute(() -> echo(accepted));
            } catch (IOException e) {
              return;
            }
          }
        });
    return server;
  }

  private static void echo(SSLSocket accepted) {
    try (accepted) {
      for (int b = accepted.getInputStream().read(); b >= 0; b = accepted.getInputStream().read()) {
        accepted.getOutputStream().write(b);
        accepted.getOutputStream().flush();
      }
    } catch (IOException e) {
      // The client went away; nothing to echo.
    }
  }

  private static SSLSocket dial(
      ConnectService client, SSLServerSocket server, ServiceIdentity expected) throws IOException {
    SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory().createSocket();
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    ExpectedPeers.expect(socket, expected);
    socket.startHandshake();
    return socket;
  }

  private static int roundTrip(SSLSocket socket, int value) throws IOException {
    socket.getOutputStream().write(value);
    socket.getOutputStream().flush();
    return socket.getInputStream().read();
  }
}
