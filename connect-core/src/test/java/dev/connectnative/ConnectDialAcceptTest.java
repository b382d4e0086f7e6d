package dev.connectnative;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The public dial and accept API of {@link ConnectService}, against the dev agent. */
class ConnectDialAcceptTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentConfig agentConfig = AgentConfig.builder().address(agent.address()).build();
  private final List<String> echoEvents = new CopyOnWriteArrayList<>();
  private final List<String> webEvents = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Object> served = new LinkedBlockingQueue<>();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "connect-api-test");
            t.setDaemon(true);
            return t;
          });
  private ConnectService echo;
  private ConnectService web;
  private ServerSocket echoServer;

  @BeforeEach
  void start() throws IOException {
    echo = Connect.service("echo").agent(agentConfig).listener(recording(echoEvents)).build();
    web = Connect.service("web").agent(agentConfig).listener(recording(webEvents)).build();
    echo.awaitReady(Duration.ofSeconds(10));
    web.awaitReady(Duration.ofSeconds(10));
    echoServer = echo.serverSocket(0);
    agent.registerService("echo", echoServer.getLocalPort());
    pool.execute(this::acceptLoop);
  }

  @AfterEach
  void stop() throws IOException {
    echoServer.close();
    pool.shutdownNow();
    web.close();
    echo.close();
    agent.close();
  }

  private static ConnectListener recording(List<String> events) {
    return new ConnectListener() {
      @Override
      public void onConnectionAccepted(ServiceIdentity client) {
        events.add("accepted " + client.service());
      }

      @Override
      public void onConnectionRefused(ServiceIdentity client, String reason) {
        events.add("refused " + reason);
      }

      @Override
      public void onConnectionRevoked(ServiceIdentity client, String reason) {
        events.add("revoked " + client.service());
      }

      @Override
      public void onAuthorizationCacheMiss(AuthorizationRequest request) {
        events.add("miss " + request.client().service());
      }

      @Override
      public void onDialSucceeded(String target, ServiceIdentity server) {
        events.add("dialed " + server);
      }

      @Override
      public void onDialFailed(String target, String address, Throwable error) {
        events.add("dial failed " + error.getMessage());
      }
    };
  }

  private void acceptLoop() {
    while (!echoServer.isClosed()) {
      try {
        Socket accepted = echoServer.accept();
        pool.execute(() -> serve(accepted));
      } catch (IOException e) {
        if (!echoServer.isClosed()) {
          served.add(e);
        }
      }
    }
  }

  private void serve(Socket accepted) {
    try (accepted) {
      InputStream in = accepted.getInputStream();
      OutputStream out = accepted.getOutputStream();
      byte[] line = in.readNBytes(4);
      served.add(ConnectIdentity.of(((SSLSocket) accepted).getSession()));
      out.write(line);
      out.flush();
      in.read();
    } catch (IOException | RuntimeException e) {
      served.add(e);
    }
  }

  private static String exchange(SSLSocket socket) throws IOException {
    socket.getOutputStream().write("ping".getBytes(UTF_8));
    socket.getOutputStream().flush();
    return new String(socket.getInputStream().readNBytes(4), UTF_8);
  }

  @Test
  void webDialsEchoThroughTheServiceApi() throws Exception {
    try (SSLSocket socket = web.dial("echo")) {
      assertThat(exchange(socket)).isEqualTo("ping");
    }
    assertThat(served.poll(10, TimeUnit.SECONDS))
        .isEqualTo(ServiceIdentity.of(agent.trustDomain(), "dc1", "web"));
    assertThat(echoEvents).contains("miss web", "accepted web");
    assertThat(webEvents).contains("dialed " + agent.serviceUri("echo"));
  }

  @Test
  void theDefaultAuthorizerIsTheCachedAgentOne() throws Exception {
    ServiceIdentity db = ServiceIdentity.of(agent.trustDomain(), "dc1", "db");
    agent.createIntention("db", "echo", IntentionAction.DENY);
    AuthorizationDecision decision =
        echo.authorizer()
            .authorize(new AuthorizationRequest("echo", db, "0a"))
            .get(10, TimeUnit.SECONDS);
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).contains("default/db => default/echo").contains("DENY");
  }

  @Test
  void aDenyIntentionClosesTheLiveConnectionAndRefusesTheNext() throws Exception {
    try (SSLSocket live = web.dial("echo")) {
      assertThat(exchange(live)).isEqualTo("ping");
      agent.createIntention("web", "echo", IntentionAction.DENY);
      await().atMost(Duration.ofSeconds(10)).until(() -> echoEvents.contains("revoked web"));
    }
    String answer;
    try (SSLSocket refused = web.dial("echo")) {
      answer = exchange(refused);
    } catch (IOException e) {
      answer = "";
    }
    assertThat(answer)
        .as("refused during the dial's handshake, or (resumed session) closed before any byte")
        .isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                echoEvents.stream()
                    .anyMatch(
                        e ->
                            e.startsWith("refused client " + agent.serviceUri("web"))
                                && e.contains("DENY")));
  }

  @Test
  void dialingAServiceWithNoInstanceSaysSo() {
    assertThatThrownBy(() -> web.dial("nothing-here"))
        .isInstanceOf(IOException.class)
        .hasMessage("no healthy instance of \"nothing-here\" in dc1");
    assertThat(webEvents).anyMatch(e -> e.startsWith("dial failed no healthy instance"));
  }

  @Test
  void dialingBeforeTheServiceIsReadySaysWhatIsMissing() {
    agent.faults().failWith("/v1/agent/connect/ca/leaf/api", 403, "Permission denied");
    try (ConnectService api = Connect.service("api").agent(agentConfig).build()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> api.status().lastError().isPresent());
      assertThatThrownBy(() -> api.dial("echo"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot dial \"echo\": service \"api\" not ready: no ")
          .hasMessageContaining("leaf certificate")
          .hasMessageContaining("403 Permission denied")
          .hasCauseInstanceOf(NotReadyException.class);
    }
  }

  @Test
  void dialingAfterCloseIsRefused() {
    web.close();
    assertThatThrownBy(() -> web.dial("echo"))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot dial \"echo\": service \"web\" is closed");
  }

  @Test
  void selfRegistrationRegistersAHealthyConnectNativeInstanceAndDeregistersOnClose()
      throws Exception {
    try (ConnectService api =
        Connect.service("api").agent(agentConfig).register("127.0.0.1", 7000).build()) {
      api.awaitReady(Duration.ofSeconds(10));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agent.requestCount("/v1/agent/check/pass/service:api-7000") >= 1);
      List<ServiceInstance> found =
          web.resolver()
              .resolve("api", DialOptions.builder().filter("Service.ID == \"api-7000\"").build())
              .get(10, TimeUnit.SECONDS);
      assertThat(found)
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.id()).isEqualTo("api-7000");
                assertThat(i.address()).isEqualTo("127.0.0.1:7000");
                assertThat(i.expectedIdentity(agent.trustDomain()).toString())
                    .isEqualTo(agent.serviceUri("api"));
              });
    }
    assertThat(agent.requestCount("/v1/agent/service/deregister/api-7000")).isEqualTo(1);
  }

  @Test
  void serverSocketFactoryAndWrappingRefuseTlsServerSockets() throws Exception {
    try (ServerSocket fromFactory = echo.serverSocketFactory().createServerSocket(0)) {
      assertThat(fromFactory.getLocalPort()).isPositive();
    }
    try (ServerSocket tls = echo.sslContext().getServerSocketFactory().createServerSocket(0)) {
      assertThatThrownBy(() -> echo.serverSocket(tls))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("wrap a plain ServerSocket");
    }
  }
}
