package dev.connectnative.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The agent goes away and stays away past the cached leaves' expiry (a clock moved forward, shared
 * by agent and services): new connections fail with errors naming the expired certificate (the
 * server's, even over a resumable TLS session begun before it expired; then our own), and
 * everything recovers once the agent is back.
 */
class LeafExpiryTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @Test
  void expiredLeavesFailNewConnectionsSayingSoAndRecoverWhenTheAgentReturns() throws Exception {
    ThreadCensus census = ThreadCensus.take();
    MutableClock clock = new MutableClock();
    try (DevAgent agent = DevAgent.builder().clock(clock).start();
        ConnectService echo = service(agent, "echo", clock)) {
      echo.awaitReady(AWAIT);
      clock.advance(Duration.ofHours(2));
      try (ConnectService web = service(agent, "web", clock);
          EchoAcceptor server =
              new EchoAcceptor(
                  echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())))) {
        web.awaitReady(AWAIT);
        DialOptions toEcho = staticAddress(server.port(), echo.identity().leaf().id());
        roundTrip(web, toEcho);
        roundTrip(web, toEcho);
        Instant echoExpiry = echo.identity().leaf().notAfter();
        Instant webExpiry = web.identity().leaf().notAfter();
        assertThat(webExpiry).isAfter(echoExpiry.plus(Duration.ofHours(1)));

        agent.stop();
        clock.advance(Duration.ofHours(71));
        assertThat(clock.instant()).isAfter(echoExpiry).isBefore(webExpiry);
        assertThatThrownBy(() -> roundTrip(web, toEcho))
            .as("web's cached TLS session with echo began before echo's leaf expired")
            .isInstanceOf(IOException.class)
            .hasMessageContaining("server certificate " + echo.identity().leaf().id())
            .hasMessageContaining("expired at " + echoExpiry);

        clock.advance(Duration.ofHours(2));
        assertThat(clock.instant()).isAfter(webExpiry);
        assertThatThrownBy(() -> roundTrip(web, toEcho))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("the leaf certificate of service \"web\"")
            .hasMessageContaining("expired at " + webExpiry)
            .hasMessageContaining("the agent has not renewed it");

        agent.restart();
        await()
            .atMost(AWAIT)
            .until(
                () ->
                    web.identity().leaf().notAfter().isAfter(clock.instant())
                        && echo.identity().leaf().notAfter().isAfter(clock.instant()));
        roundTrip(web, toEcho);
      }
    }
    census.assertNoLeak();
  }

  @Test
  void aClientResumingASessionWithALeafThatExpiredSinceIsRefused() throws Exception {
    MutableClock clock = new MutableClock();
    Queue<String> refusals = new ConcurrentLinkedQueue<>();
    try (DevAgent agent = DevAgent.builder().clock(clock).start();
        ConnectService echo =
            Connect.service("echo")
                .agent(AgentConfig.builder().address(agent.address()).build())
                .clock(clock)
                .listener(
                    new ConnectListener() {
                      @Override
                      public void onConnectionRefused(ServiceIdentity client, String reason) {
                        refusals.add(reason);
                      }
                    })
                .build();
        EchoAcceptor server =
            new EchoAcceptor(
                echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())))) {
      echo.awaitReady(AWAIT);
      Instant now = clock.instant();
      IssuedLeaf shortLived =
          agent
              .activeCa()
              .leafBuilder("web")
              .validity(now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)))
              .issue();
      SSLContext client = Rogues.client(shortLived.certificate(), shortLived.privateKey());
      assertThat(Rogues.attempt(client, server.port())).isEqualTo("echoed");

      clock.advance(Duration.ofHours(2));
      assertThat(Rogues.attempt(client, server.port()))
          .as("the same client context, which offers its cached session")
          .isNotEqualTo("echoed");
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(refusals)
                      .anyMatch(
                          r ->
                              r.contains("client certificate " + shortLived.uri())
                                  && r.contains(
                                      "expired at "
                                          + shortLived.certificate().getNotAfter().toInstant())));
    }
  }

  private static ConnectService service(DevAgent agent, String name, MutableClock clock) {
    return Connect.service(name)
        .agent(AgentConfig.builder().address(agent.address()).build())
        .clock(clock)
        .build();
  }

  private static DialOptions staticAddress(int port, ServiceIdentity expected) {
    return DialOptions.builder()
        .staticAddress("127.0.0.1", port, expected)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private static void roundTrip(ConnectService client, DialOptions options) throws IOException {
    try (SSLSocket socket = client.dial("echo", options)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(7);
      socket.getOutputStream().flush();
      if (socket.getInputStream().read() != 7) {
        throw new IOException("no echo");
      }
    }
  }
}
