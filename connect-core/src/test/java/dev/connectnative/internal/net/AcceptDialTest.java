package dev.connectnative.internal.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.TrustBundle;
import dev.connectnative.internal.authz.CachingAuthorizer;
import dev.connectnative.internal.authz.ClientAuthorizerHook;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dial and accept over real loopback TLS with certificates minted at run time. */
class AcceptDialTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final TestCa ca = TestCa.create();
  private final MeshService echo = MeshService.of(ca, "echo");
  private final MeshService web = MeshService.of(ca, "web");
  private final SwitchableAuthorizer intentions = new SwitchableAuthorizer().allow("web");
  private final RecordingEvents events = new RecordingEvents();
  private final CachingAuthorizer authorizer =
      CachingAuthorizer.builder(intentions).events(events).build();
  private final LiveConnections live = new LiveConnections(events);
  private final AtomicInteger fullHandshakes = new AtomicInteger();
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "connect-test-deadlines");
            t.setDaemon(true);
            return t;
          });
  private EchoServer server;
  private volatile CountDownLatch heldDecisions = new CountDownLatch(0);

  @BeforeEach
  void startEcho() throws IOException {
    ClientAuthorizerHook hook =
        new ClientAuthorizerHook("echo", authorizer, Duration.ofSeconds(5), events);
    echo.trust.clientAuthorizer(
        (client, leaf, handle) -> {
          fullHandshakes.incrementAndGet();
          awaitQuietly(heldDecisions);
          hook.authorize(client, leaf, handle);
        });
    server = new EchoServer(echo, policy(Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    deadlines.shutdownNow();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private AcceptPolicy policy(Duration handshakeTimeout) {
    return new AcceptPolicy(
        "echo", authorizer, live, handshakeTimeout, Duration.ofSeconds(5), events, deadlines);
  }

  private Dialer dialer(MeshService from, Resolver resolver) {
    return new Dialer(
        from.name, from.context, from.source, resolver, events, new Random(7), deadlines);
  }

  private Resolver echoAt(int... ports) {
    return Resolver.of(
        java.util.Arrays.stream(ports)
            .mapToObj(p -> ServiceInstance.of("echo", "dc1", "127.0.0.1", p))
            .toList());
  }

  private static String exchange(SSLSocket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(UTF_8));
    socket.getOutputStream().flush();
    byte[] back = socket.getInputStream().readNBytes(text.length());
    return new String(back, UTF_8);
  }

  @Test
  void webDialsEchoExchangesBytesAndEchoSeesWhoCalled() throws Exception {
    try (SSLSocket socket = dialer(web, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(socket, "hello mesh")).isEqualTo("hello mesh");
      assertThat(socket.getSession().getPeerCertificates()).isNotEmpty();
    }
    ServiceIdentity client = server.clients.poll(10, TimeUnit.SECONDS);
    assertThat(client).isEqualTo(web.source.current().orElseThrow().leaf().id());
    assertThat(events.seen).contains("accepted web -> echo", "dialed echo = echo");
    assertThat(live.size()).isLessThanOrEqualTo(1);
  }

  @Test
  void deniedClientGetsAnAlertAndTheAcceptLoopKeepsServingOthers() throws Exception {
    MeshService db = MeshService.of(ca, "db");
    intentions.deny("db");
    Dialer dbDialer = dialer(db, echoAt(server.port()));
    assertRefused(dbDialer);
    Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
    assertThat(serverSide)
        .hasMessageContaining("client " + ca.serviceUri("db"))
        .hasMessageContaining("is not allowed to connect to echo")
        .hasMessageContaining("Action: DENY");
    assertThat(server.bytesRead.get()).isZero();

    try (SSLSocket ok = dialer(web, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(ok, "still here")).isEqualTo("still here");
    }
  }

  @Test
  void withTls13ARefusalAfterTheClientsHandshakeNamesTheTargetAtTheFirstRead() throws Exception {
    MeshService db = MeshService.of(ca, "db");
    intentions.deny("db");
    String address = "127.0.0.1:" + server.port();
    // The decision waits until our dial has returned, as it does whenever the agent is slower than
    // the client's last handshake flight (a fast denial may still cut that flight short).
    CountDownLatch dialed = new CountDownLatch(1);
    heldDecisions = dialed;

    try (SSLSocket socket = dialer(db, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS)) {
      dialed.countDown();
      assertThat(socket.getSession().getProtocol())
          .as("the client's TLS 1.3 handshake ends before the server decides")
          .isEqualTo("TLSv1.3");
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageStartingWith(
              "server \"echo\" at "
                  + address
                  + " refused this connection after the TLS handshake"
                  + " (Received fatal alert: ")
          .hasMessageContaining("its intentions may not allow \"db\" to connect")
          .hasCauseInstanceOf(SSLException.class);
    }
    assertThat(server.failures.poll(10, TimeUnit.SECONDS))
        .hasMessageContaining("is not allowed to connect to echo");
    assertThat(events.seen)
        .anyMatch(e -> e.startsWith("dial failed echo at " + address + ": server \"echo\""));
    assertThat(server.bytesRead.get()).isZero();
  }

  @Test
  void withTls12TheRefusalFailsTheDialItself() throws Exception {
    MeshService db = MeshService.of(ca, "db");
    intentions.deny("db");
    server.socket.setEnabledProtocols(new String[] {"TLSv1.2"});

    assertThatThrownBy(() -> dialer(db, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS))
        .as("an alert, or a broken pipe when it cuts our flight short; either way in the dial")
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + server.port() + ": server ")
        .hasMessageContaining("its intentions may not allow \"db\" to connect");
    assertThat(server.failures.poll(10, TimeUnit.SECONDS))
        .hasMessageContaining("is not allowed to connect to echo");
  }

  @Test
  void wrongServerIsRefusedInsideTheHandshake() throws Exception {
    MeshService db = MeshService.of(ca, "db");
    db.trust.clientAuthorizer((client, leaf, handle) -> {});
    try (EchoServer dbServer = new EchoServer(db, policy(Duration.ofSeconds(5)))) {
      Dialer dialer = dialer(web, echoAt(dbServer.port()));
      assertThatThrownBy(() -> dialer.dial("echo", DialOptions.DEFAULTS))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot connect to \"echo\"")
          .hasMessageContaining("server presented " + ca.serviceUri("db"))
          .hasMessageContaining("expects " + ca.serviceUri("echo"));
      Throwable serverSide = dbServer.failures.poll(10, TimeUnit.SECONDS);
      assertThat(serverSide).as("the db server's handshake failed").isInstanceOf(IOException.class);
      assertThat(dbServer.bytesRead.get()).isZero();
      assertThat(dbServer.clients).isEmpty();
    }
  }

  @Test
  void stalledClientDoesNotHoldUpAcceptAndTimesOut() throws Exception {
    server.close();
    server = new EchoServer(echo, policy(Duration.ofMillis(400)));
    try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), server.port());
        SSLSocket ok = dialer(web, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(ok, "not blocked")).isEqualTo("not blocked");
      Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
      assertThat(serverSide).hasMessageContaining("did not complete its handshake within 400 ms");
      assertThat(stalled.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void theServiceContextResumesADialersSessionAndTheServerStillAuthorizesIt() throws Exception {
    Dialer dialer = dialer(web, echoAt(server.port()));
    for (int i = 0; i < 3; i++) {
      try (SSLSocket socket = dialer.dial("echo", DialOptions.DEFAULTS)) {
        assertThat(exchange(socket, "again")).isEqualTo("again");
      }
      assertThat(server.clients.poll(10, TimeUnit.SECONDS))
          .as("the accept path authorized connection %d", i)
          .isEqualTo(web.source.current().orElseThrow().leaf().id());
    }
    assertThat(fullHandshakes.get())
        .as("only the first connection was a full handshake")
        .isEqualTo(1);
  }

  @Test
  void aClientTricklingItsHandshakeIsCutOffAtTheDeadline() throws Exception {
    Duration deadline = Duration.ofMillis(600);
    server.close();
    server = new EchoServer(echo, policy(deadline));
    long start = System.nanoTime();
    try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = slow.getOutputStream();
      byte[] clientHelloStart = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc};
      AtomicLong lastByteAt = new AtomicLong(start);
      AtomicInteger sent = new AtomicInteger();
      // Its own timer thread: the server's deadline runs on `deadlines`, which must not delay it.
      ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
      trickler.scheduleAtFixedRate(
          () -> {
            try {
              out.write(clientHelloStart[sent.getAndIncrement() % clientHelloStart.length]);
              out.flush();
              lastByteAt.set(System.nanoTime());
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      try {
        Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
        long cutOffAt = System.nanoTime();
        assertThat(serverSide).hasMessageContaining("did not complete its handshake within 600 ms");
        assertThat(Duration.ofNanos(cutOffAt - start)).isGreaterThanOrEqualTo(deadline);
        assertThat(Duration.ofNanos(cutOffAt - lastByteAt.get()))
            .as("a byte had arrived well within the deadline, so no read had timed out")
            .isLessThan(deadline.dividedBy(2));
      } finally {
        trickler.shutdownNow();
      }
    }
  }

  @Test
  void aServerTricklingItsHandshakeFailsTheDialWithinItsTimeout() throws Exception {
    try (java.net.ServerSocket slowServer =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadlines.execute(
          () -> {
            try {
              Socket accepted = slowServer.accept();
              accepted.getInputStream().read();
              accepted.getOutputStream().write(0x16);
              accepted.getOutputStream().flush();
              deadlines.scheduleAtFixedRate(
                  () -> {
                    try {
                      accepted.getOutputStream().write(0x03);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  },
                  100,
                  100,
                  TimeUnit.MILLISECONDS);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      DialOptions options = DialOptions.builder().handshakeTimeout(Duration.ofMillis(500)).build();
      Dialer dialer = dialer(web, echoAt(slowServer.getLocalPort()));
      long start = System.nanoTime();
      assertThatThrownBy(() -> dialer.dial("echo", options))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no TLS handshake within 500 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void resumedSessionIsAuthorizedAgain() throws Exception {
    server.close();
    server = new EchoServer(echo.resumable, policy(Duration.ofSeconds(5)));
    Dialer dialer =
        new Dialer(
            "web",
            web.resumable,
            web.source,
            echoAt(server.port()),
            events,
            new Random(7),
            deadlines);
    try (SSLSocket first = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(first, "first")).isEqualTo("first");
    }
    assertThat(fullHandshakes.get()).isEqualTo(1);
    try (SSLSocket resumedWhileAllowed = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(resumedWhileAllowed, "again")).isEqualTo("again");
    }
    assertThat(fullHandshakes.get())
        .as("the second connection resumed its session, skipping the trust manager")
        .isEqualTo(1);

    intentions.deny("web");
    authorizer.invalidateAll();
    try (SSLSocket resumed = dialer.dial("echo", DialOptions.DEFAULTS)) {
      resumed.getOutputStream().write("sneak".getBytes(UTF_8));
      resumed.getOutputStream().flush();
      InputStream in = resumed.getInputStream();
      assertThat(readOrFail(in)).isEqualTo(-1);
    }
    assertThat(fullHandshakes.get()).isEqualTo(1);
    Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
    assertThat(serverSide)
        .isInstanceOf(SSLException.class)
        .hasMessageContaining(
            "client " + ca.serviceUri("web") + " is not allowed to connect to echo");
    assertThat(server.bytesRead.get()).isEqualTo("first".length() + "again".length());
  }

  @Test
  void clientSessionsAreDroppedWhenTheRootsChange() throws Exception {
    server.close();
    server = new EchoServer(echo.resumable, policy(Duration.ofSeconds(5)));
    Dialer dialer =
        new Dialer(
            "web",
            web.resumable,
            web.source,
            echoAt(server.port()),
            events,
            new Random(7),
            deadlines);
    for (int i = 0; i < 2; i++) {
      try (SSLSocket socket = dialer.dial("echo", DialOptions.DEFAULTS)) {
        assertThat(exchange(socket, "r" + i)).isEqualTo("r" + i);
      }
    }
    assertThat(fullHandshakes.get()).as("the second dial resumed").isEqualTo(1);

    IdentitySnapshot current = web.source.current().orElseThrow();
    TestCa next = TestCa.create();
    web.source.update(
        new TrustBundle(
            current.trust().trustDomain(),
            List.of(ca.rootCertificate(), next.rootCertificate()),
            List.of(),
            ca.rootCertificate()),
        current.leaf());
    try (SSLSocket socket = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(socket, "after")).isEqualTo("after");
    }
    assertThat(fullHandshakes.get()).as("no session survived the new roots").isEqualTo(2);
  }

  @Test
  void intentionChangeRevokesTheLiveConnection() throws Exception {
    try (SSLSocket socket = dialer(web, echoAt(server.port())).dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(socket, "before")).isEqualTo("before");
      assertThat(live.size()).isEqualTo(1);
      intentions.deny("web");
      authorizer.invalidateAll();
      assertThat(live.reauthorizeAll(authorizer).get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(readOrFail(socket.getInputStream())).isEqualTo(-1);
    }
    assertThat(live.size()).isZero();
    assertThat(events.seen)
        .anyMatch(e -> e.startsWith("revoked web -> echo: client " + ca.serviceUri("web")));
  }

  @Test
  void agentDownRefusesNewConnectionsWhileEstablishedOnesContinue() throws Exception {
    Dialer dialer = dialer(web, echoAt(server.port()));
    try (SSLSocket established = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(established, "up")).isEqualTo("up");
      intentions.down(true);
      authorizer.invalidateAll();
      MeshService api = MeshService.of(ca, "api");
      assertRefused(dialer(api, echoAt(server.port())));
      Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
      assertThat(serverSide)
          .hasMessageContaining(
              "client " + ca.serviceUri("api") + " is not allowed to connect to echo")
          .hasMessageContaining("agent unreachable");
      assertThat(exchange(established, "still up")).isEqualTo("still up");
    }
  }

  @Test
  void failsOverToAnotherInstanceAndSpreadsLoad() throws Exception {
    int dead = deadPort();
    Dialer dialer = dialer(web, echoAt(dead, server.port()));
    for (int i = 0; i < 4; i++) {
      try (SSLSocket socket = dialer.dial("echo", DialOptions.DEFAULTS)) {
        assertThat(exchange(socket, "n" + i)).isEqualTo("n" + i);
      }
    }
    assertThat(
            events.seen.stream().filter(e -> e.startsWith("dial failed echo at 127.0.0.1:" + dead)))
        .as("round-robin reached the dead instance first half of the time")
        .hasSize(2);
  }

  @Test
  void everyInstanceRefusedNamesEachFailure() throws Exception {
    int a = deadPort();
    int b = deadPort();
    Dialer dialer = dialer(web, echoAt(a, b));
    assertThatThrownBy(() -> dialer.dial("echo", DialOptions.DEFAULTS))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot connect to \"echo\": every instance failed (2): ")
        .hasMessageContaining("127.0.0.1:" + a + ": ")
        .hasMessageContaining("127.0.0.1:" + b + ": ");
  }

  @Test
  void noHealthyInstanceSaysWhere() {
    Dialer dialer = dialer(web, Resolver.of(List.of()));
    assertThatThrownBy(() -> dialer.dial("echo", DialOptions.DEFAULTS))
        .isInstanceOf(IOException.class)
        .hasMessage("no healthy instance of \"echo\" in dc1");
    assertThatThrownBy(() -> dialer.dial("echo", DialOptions.builder().datacenter("dc2").build()))
        .hasMessage("no healthy instance of \"echo\" in dc2");
  }

  @Test
  void discoveryThatNeverAnswersIsBoundedByTheTimeout() {
    Resolver silent = (name, options) -> new java.util.concurrent.CompletableFuture<>();
    Dialer dialer = dialer(web, silent);
    DialOptions options = DialOptions.builder().timeout(Duration.ofMillis(200)).build();
    assertThatThrownBy(() -> dialer.dial("echo", options))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot dial \"echo\": no discovery answer within 200 ms");
  }

  @Test
  void staticAddressWithExpectedIdentity() throws Exception {
    ServiceIdentity expected = echo.source.current().orElseThrow().leaf().id();
    DialOptions options =
        DialOptions.builder().staticAddress("127.0.0.1", server.port(), expected).build();
    Resolver fromOptions =
        (name, o) ->
            java.util.concurrent.CompletableFuture.completedFuture(
                List.of(o.staticInstance().orElseThrow()));
    try (SSLSocket socket = dialer(web, fromOptions).dial("echo", options)) {
      assertThat(exchange(socket, "static")).isEqualTo("static");
    }
  }

  @Test
  void sessionKeysSeparateServicesAndDatacenters() {
    String td = ca.trustDomain();
    assertThat(Dialer.sessionKey(ServiceIdentity.of(td, "dc1", "Echo")))
        .isEqualTo("echo.default.dc1.internal." + td);
    assertThat(Dialer.sessionKey(ServiceIdentity.of(td, "dc1", "db")))
        .isNotEqualTo(Dialer.sessionKey(ServiceIdentity.of(td, "dc1", "echo")));
    assertThat(Dialer.sessionKey(ServiceIdentity.of(td, "dc2", "echo")))
        .isNotEqualTo(Dialer.sessionKey(ServiceIdentity.of(td, "dc1", "echo")));
  }

  /**
   * Asserts that a dial to echo is refused: in TLS 1.3 the server's alert reaches the client either
   * during its handshake (the dial fails) or at its first read.
   */
  /**
   * The dial fails, or (a resumed session, which the server authorizes after the handshake) the
   * connection is closed before any byte comes back.
   */
  static void assertRefused(Dialer dialer) {
    String answer;
    try (SSLSocket refused = dialer.dial("echo", DialOptions.DEFAULTS)) {
      answer = exchange(refused, "let me in");
    } catch (IOException e) {
      return;
    }
    assertThat(answer).as("a refused connection carries no byte").isEmpty();
  }

  /** Reads one byte; a connection closed by the peer may also surface as an exception. */
  private static int readOrFail(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1;
    }
  }

  private static int deadPort() throws IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @SuppressWarnings("unused")
  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    await().atMost(WAIT).until(condition::getAsBoolean);
  }
}
