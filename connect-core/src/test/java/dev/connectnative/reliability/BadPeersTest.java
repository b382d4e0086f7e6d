package dev.connectnative.reliability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.net.AcceptPolicy;
import dev.connectnative.internal.net.ConnectEvents;
import dev.connectnative.internal.net.ConnectServerSocket;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Misbehaving clients against a Connect server socket of a real service on the dev agent, while
 * good clients keep dialing the same port: each bad peer is refused with a reason naming what was
 * wrong, and no good connection fails meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadPeersTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration AWAIT = Duration.ofSeconds(20);

  private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
  private ThreadCensus census;
  private DevAgent agent;
  private ConnectService echo;
  private ConnectService web;
  private EchoAcceptor server;
  private DialLoad good;
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "reliability-handshake-deadlines");
            t.setDaemon(true);
            return t;
          });

  @BeforeAll
  void start() throws IOException {
    census = ThreadCensus.take();
    agent = DevAgent.builder().start();
    AgentConfig config = AgentConfig.builder().address(agent.address()).build();
    echo =
        Connect.service("echo")
            .agent(config)
            .listener(
                new ConnectListener() {
                  @Override
                  public void onConnectionRefused(ServiceIdentity client, String reason) {
                    refusals.add(client + ": " + reason);
                  }
                })
            .build();
    web =
        Connect.service("web")
            .agent(AgentConfig.builder().address(agent.address()).build())
            .build();
    echo.awaitReady(AWAIT);
    web.awaitReady(AWAIT);
    ConnectEvents recorder =
        new ConnectEvents() {
          @Override
          public void handshakeDenied(String target, ServiceIdentity client, String reason) {
            refusals.add(client + ": " + reason);
          }
        };
    AcceptPolicy policy =
        new AcceptPolicy(
            "echo",
            echo.authorizer(),
            ((DefaultConnectService) echo).liveConnections(),
            HANDSHAKE_TIMEOUT,
            Duration.ofSeconds(5),
            recorder,
            deadlines);
    server =
        new EchoAcceptor(
            new ConnectServerSocket(
                new ServerSocket(0, 200, InetAddress.getLoopbackAddress()),
                echo.sslContext().getSocketFactory(),
                policy));
    agent.registerService("echo", server.port());
    agent.createIntention("mallory", "echo", IntentionAction.DENY);
    good = new DialLoad(web, 2, 2);
    good.awaitMoreConnections(5, AWAIT);
  }

  @AfterEach
  void goodClientsKeptGoing() {
    good.awaitMoreConnections(5, AWAIT);
    assertThat(good.failureMessages)
        .as("good clients' failures (server side: %s; refusals: %s)", server.failures, refusals)
        .isEmpty();
  }

  @AfterAll
  void stop() throws Exception {
    good.stop();
    server.close();
    deadlines.shutdownNow();
    web.close();
    echo.close();
    agent.close();
    assertThat(good.failures.get()).isZero();
    census.assertNoLeak();
  }

  private String attempt(SSLContext rogue) {
    return Rogues.attempt(rogue, server.port());
  }

  private void assertRefused(SSLContext rogue, String reason) {
    String outcome = attempt(rogue);
    assertThat(outcome).as("what the bad client saw").isNotEqualTo("echoed");
    awaitRefusal(reason);
  }

  private void awaitRefusal(String reason) {
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(refusals).anyMatch(r -> r.contains(reason)));
  }

  private IssuedLeaf leaf(TestCa.LeafBuilder builder) {
    return builder.issue();
  }

  @Test
  void plaintextBytesAreRefused() throws IOException {
    byte[] answer;
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: echo\r\n\r\n".getBytes(US_ASCII));
      plain.getOutputStream().flush();
      answer = readAll(plain.getInputStream());
    }
    assertThat(new String(answer, US_ASCII)).doesNotContain("HTTP").doesNotContain("GET");
    awaitRefusal("Unsupported or unrecognized SSL message");
  }

  @Test
  void tls11ClientHelloIsRefusedWithAProtocolVersionAlert() throws IOException {
    byte[] answer;
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(clientHello(0x0301, 0x0302));
      plain.getOutputStream().flush();
      answer = readAll(plain.getInputStream());
    }
    assertThat(answer).as("a TLS alert record").hasSizeGreaterThanOrEqualTo(7);
    assertThat(answer[0]).as("record type alert").isEqualTo((byte) 21);
    assertThat(answer[5]).as("alert level fatal").isEqualTo((byte) 2);
    assertThat(answer[6]).as("alert protocol_version").isEqualTo((byte) 70);
    awaitRefusal("Client requested protocol TLSv1.1 is not enabled");
  }

  @Test
  void tls10ClientHelloIsRefusedWithAProtocolVersionAlert() throws IOException {
    byte[] answer;
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(clientHello(0x0301, 0x0301));
      plain.getOutputStream().flush();
      answer = readAll(plain.getInputStream());
    }
    assertThat(answer).hasSizeGreaterThanOrEqualTo(7);
    assertThat(answer[0]).isEqualTo((byte) 21);
    assertThat(answer[6]).as("alert protocol_version").isEqualTo((byte) 70);
    awaitRefusal("Client requested protocol TLSv1 is not enabled");
  }

  @Test
  void clientWithoutCertificateIsRefused() {
    assertRefused(Rogues.client(null, null), "Empty client certificate chain");
  }

  @Test
  void selfSignedClientIsRefused() {
    Rogues.KeyPairAndCertificate self = Rogues.selfSigned(agent.serviceUri("web"));
    assertRefused(
        Rogues.client(self.certificate(), self.key()), "does not chain to any of our 1 trusted");
  }

  @Test
  void clientFromAnotherCaOfTheSameTrustDomainIsRefused() {
    TestCa other = TestCa.builder().clusterId(agent.clusterId()).build();
    IssuedLeaf impostor = other.leaf("web");
    assertThat(impostor.uri()).isEqualTo(agent.serviceUri("web"));
    assertRefused(
        Rogues.client(impostor.certificate(), impostor.privateKey()),
        "does not chain to any of our 1 trusted");
  }

  @Test
  void expiredClientIsRefused() {
    Instant now = Instant.now();
    IssuedLeaf expired =
        leaf(
            agent
                .activeCa()
                .leafBuilder("web")
                .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    assertRefused(Rogues.client(expired.certificate(), expired.privateKey()), "expired at");
  }

  @Test
  void caFlaggedLeafIsRefused() {
    IssuedLeaf ca = leaf(agent.activeCa().leafBuilder("web").certificateAuthority(true));
    assertRefused(Rogues.client(ca.certificate(), ca.privateKey()), "presented the CA certificate");
  }

  @Test
  void validIdentityDeniedByAnIntentionIsRefused() {
    IssuedLeaf mallory = agent.activeCa().leaf("mallory");
    assertRefused(
        Rogues.client(mallory.certificate(), mallory.privateKey()),
        "is not allowed to connect to echo");
    assertThat(refusals).anyMatch(r -> r.startsWith(agent.serviceUri("mallory")));
  }

  @Test
  void peersStallingMidHandshakeAreCutOffAfterTheHandshakeTimeout() throws IOException {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(10_000);
        byte[] hello = clientHello(0x0301, 0x0303);
        s.getOutputStream().write(hello, 0, hello.length / 2);
        s.getOutputStream().flush();
        stalled.add(s);
      }
      good.awaitMoreConnections(5, AWAIT);
      long start = System.nanoTime();
      for (Socket s : stalled) {
        assertThat(readAll(s.getInputStream())).as("server closes a stalled handshake").isEmpty();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(HANDSHAKE_TIMEOUT.plus(Duration.ofSeconds(5)));
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    awaitRefusal("did not complete its handshake within 2000 ms");
    assertThat(refusals.stream().filter(r -> r.contains("did not complete its handshake")))
        .hasSizeGreaterThanOrEqualTo(20);
  }

  private static byte[] readAll(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[512];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // A reset after the alert ends the answer as well.
    }
    return out.toByteArray();
  }

  /**
   * A minimal ClientHello without the supported_versions extension, so {@code clientVersion} is the
   * only version offered: ECDHE suites, P-256, uncompressed points.
   */
  private static byte[] clientHello(int recordVersion, int clientVersion) {
    byte[] extensions = {
      0x00,
      0x0a,
      0x00,
      0x04,
      0x00,
      0x02,
      0x00,
      0x17, // supported_groups: secp256r1
      0x00,
      0x0b,
      0x00,
      0x02,
      0x01,
      0x00, // ec_point_formats: uncompressed
      0x00,
      0x0d,
      0x00,
      0x04,
      0x00,
      0x02,
      0x04,
      0x03 // signature_algorithms: ecdsa_secp256r1_sha256
    };
    byte[] suites = {(byte) 0xc0, 0x09, (byte) 0xc0, 0x13, (byte) 0xc0, 0x2b};
    ByteBuffer body =
        ByteBuffer.allocate(2 + 32 + 1 + 2 + suites.length + 2 + 2 + extensions.length);
    body.putShort((short) clientVersion);
    body.put(new byte[32]);
    body.put((byte) 0);
    body.putShort((short) suites.length).put(suites);
    body.put((byte) 1).put((byte) 0);
    body.putShort((short) extensions.length).put(extensions);
    int length = body.position();
    ByteBuffer record = ByteBuffer.allocate(5 + 4 + length);
    record.put((byte) 22).putShort((short) recordVersion).putShort((short) (4 + length));
    record.put((byte) 1).put((byte) 0).putShort((short) length);
    record.put(body.array(), 0, length);
    return record.array();
  }
}
