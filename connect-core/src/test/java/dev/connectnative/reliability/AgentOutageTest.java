package dev.connectnative.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Connect;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.NotReadyException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.Faults;
import dev.connectnative.testkit.IssuedLeaf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent of real services is missing at start, dies after they are ready, or fails its authorize
 * endpoint: identities and open connections live on, clients whose authorization cannot be decided
 * are refused with the agent's error, and everything recovers when the agent heals.
 */
class AgentOutageTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final String AUTHORIZE = "/v1/agent/connect/authorize";
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  /** Refusals and agent errors one service reported through its listener. */
  private static final class Recorder implements ConnectListener {
    final Queue<String> refusals = new ConcurrentLinkedQueue<>();
    final Queue<ConnectException> agentErrors = new ConcurrentLinkedQueue<>();

    @Override
    public void onAgentError(ConnectException error) {
      agentErrors.add(error);
    }

    @Override
    public void onConnectionRefused(ServiceIdentity client, String reason) {
      refusals.add(client + ": " + reason);
    }

    @Override
    public void onAuthorizationFailed(AuthorizationRequest request, Throwable error) {
      refusals.add(request.client() + ": " + error.getMessage());
    }
  }

  @Test
  void agentUnreachableAtStartIsReportedAndTheServiceGetsReadyWhenItAppears() throws Exception {
    ThreadCensus census = ThreadCensus.take();
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Recorder web = new Recorder();
    try (ConnectService service = service("web", "127.0.0.1:" + port, web)) {
      await().atMost(AWAIT).until(() -> !web.agentErrors.isEmpty());
      assertThat(web.agentErrors.peek()).hasMessageContaining("agent did not answer");
      assertThat(service.isReady()).isFalse();
      assertThatThrownBy(() -> service.awaitReady(Duration.ofMillis(10)))
          .isInstanceOf(NotReadyException.class)
          .hasMessageContaining("no trust roots and no leaf certificate yet")
          .hasMessageContaining("agent did not answer");
      assertThatThrownBy(() -> service.dial("echo"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not ready");

      try (DevAgent agent = DevAgent.builder().port(port).start();
          ConnectService echo = service("echo", agent.address(), new Recorder());
          EchoAcceptor server = listen(echo)) {
        service.awaitReady(AWAIT);
        echo.awaitReady(AWAIT);
        agent.registerService("echo", server.port());
        assertThat(roundTrip(service, DialOptions.DEFAULTS)).isEqualTo(1);
      }
    }
    census.assertNoLeak();
  }

  @Test
  void agentDeathKeepsIdentitiesAndOpenConnectionsRefusesUndecidableClientsAndRecovers()
      throws Exception {
    ThreadCensus census = ThreadCensus.take();
    Recorder echoEvents = new Recorder();
    Recorder webEvents = new Recorder();
    try (DevAgent agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
        ConnectService echo = service("echo", agent.address(), echoEvents);
        ConnectService web = service("web", agent.address(), webEvents);
        ConnectService api = service("api", agent.address(), new Recorder());
        EchoAcceptor server = listen(echo)) {
      echo.awaitReady(AWAIT);
      web.awaitReady(AWAIT);
      api.awaitReady(AWAIT);
      agent.registerService("echo", server.port());
      DialOptions toEcho =
          DialOptions.builder()
              .staticAddress("127.0.0.1", server.port(), echo.identity().leaf().id())
              .timeout(Duration.ofSeconds(10))
              .build();
      try (SSLSocket open = web.dial("echo")) {
        open.setSoTimeout(10_000);
        assertThat(exchange(open, 1)).isEqualTo(1);
        IdentitySnapshot webBefore = web.identity();

        agent.stop();
        await()
            .atMost(AWAIT)
            .until(
                () ->
                    webEvents.agentErrors.stream()
                        .anyMatch(e -> e.getMessage().contains("agent did not answer")));
        assertThat(web.identity()).isSameAs(webBefore);
        assertThat(exchange(open, 2)).as("open connection while the agent is down").isEqualTo(2);
        assertThatThrownBy(() -> roundTrip(api, toEcho))
            .as("a client no decision is cached for")
            .isInstanceOf(IOException.class);
        await()
            .atMost(AWAIT)
            .untilAsserted(
                () ->
                    assertThat(echoEvents.refusals)
                        .anyMatch(
                            r ->
                                r.startsWith(agent.serviceUri("api"))
                                    && r.contains("agent did not answer")));

        agent.restart();
        await().atMost(AWAIT).until(() -> web.status().lastError().isEmpty());
        assertThat(roundTrip(api, toEcho)).isEqualTo(1);
        assertThat(exchange(open, 3)).isEqualTo(3);
        agent.renewLeaf("web");
        await().atMost(AWAIT).until(() -> web.identity().revision() > webBefore.revision());
        assertThat(roundTrip(web, DialOptions.DEFAULTS)).isEqualTo(1);
      }
    }
    census.assertNoLeak();
  }

  static Stream<Arguments> authorizeFaults() {
    return Stream.of(
        Arguments.of(
            "403",
            (Consumer<Faults>) f -> f.failWith(AUTHORIZE, 403, "Permission denied"),
            "agent answered 403 Permission denied"),
        Arguments.of(
            "429",
            (Consumer<Faults>) f -> f.failWith(AUTHORIZE, 429, "rate limit exceeded"),
            "agent answered 429 rate limit exceeded"),
        Arguments.of(
            "500",
            (Consumer<Faults>) f -> f.failWith(AUTHORIZE, 500, "rpc error: No cluster leader"),
            "agent answered 500 rpc error: No cluster leader"),
        Arguments.of(
            "503",
            (Consumer<Faults>) f -> f.failWith(AUTHORIZE, 503, "Service Unavailable"),
            "agent answered 503 Service Unavailable"),
        Arguments.of("garbage", (Consumer<Faults>) f -> f.garbage(AUTHORIZE), "not valid JSON"),
        Arguments.of(
            "reset mid-body",
            (Consumer<Faults>) f -> f.resetMidBody(AUTHORIZE),
            "agent did not answer"));
  }

  @ParameterizedTest(name = "authorize answers {0}")
  @MethodSource("authorizeFaults")
  void undecidableAuthorizationFailsClosedUntilTheAgentHeals(
      String name, Consumer<Faults> fault, String expected) throws Exception {
    Recorder echoEvents = new Recorder();
    try (DevAgent agent = DevAgent.builder().start();
        ConnectService echo = service("echo", agent.address(), echoEvents);
        EchoAcceptor server = listen(echo)) {
      echo.awaitReady(AWAIT);
      String client = "client-" + CLIENTS.incrementAndGet();
      IssuedLeaf leaf = agent.activeCa().leaf(client);
      fault.accept(agent.faults());

      assertThat(
              Rogues.attempt(Rogues.client(leaf.certificate(), leaf.privateKey()), server.port()))
          .isNotEqualTo("echoed");
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(echoEvents.refusals)
                      .anyMatch(r -> r.startsWith(leaf.uri()) && r.contains(expected)));

      agent.faults().clear();
      assertThat(
              Rogues.attempt(Rogues.client(leaf.certificate(), leaf.privateKey()), server.port()))
          .isEqualTo("echoed");
    }
  }

  private static ConnectService service(String name, String address, Recorder recorder) {
    return Connect.service(name)
        .agent(AgentConfig.builder().address(address).build())
        .listener(recorder)
        .build();
  }

  private static EchoAcceptor listen(ConnectService service) throws IOException {
    return new EchoAcceptor(
        service.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())));
  }

  private static int roundTrip(ConnectService client, DialOptions options) throws IOException {
    try (SSLSocket socket = client.dial("echo", options)) {
      socket.setSoTimeout(10_000);
      return exchange(socket, 1);
    }
  }

  private static int exchange(SSLSocket socket, int value) throws IOException {
    socket.getOutputStream().write(value);
    socket.getOutputStream().flush();
    return socket.getInputStream().read();
  }
}
