package dev.connectnative.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IssuedLeaf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The agent goes away and stays away past the cached leaves' expiry (a clock moved forward, shared
 * by agent and services): new handshakes fail with errors that say a certificate expired, and
 * everything recovers once the agent is back.
 */
class LeafExpiryTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @Test
  void expiredLeavesFailNewHandshakesSayingSoAndRecoverWhenTheAgentReturns() throws Exception {
    ThreadCensus census = ThreadCensus.take();
    MutableClock clock = new MutableClock();
    Queue<String> refusedByValidServer = new ConcurrentLinkedQueue<>();
    try (DevAgent agent = DevAgent.builder().clock(clock).start();
        ConnectService echo = service(agent, "echo", clock);
        ConnectService web = service(agent, "web", clock)) {
      echo.awaitReady(AWAIT);
      web.awaitReady(AWAIT);
      try (EchoAcceptor server =
          new EchoAcceptor(
              echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())))) {
        DialOptions toEcho = staticAddress(server.port(), echo.identity().leaf().id());
        roundTrip(web, toEcho);
        Instant webExpiry = web.identity().leaf().notAfter();

        agent.stop();
        clock.advance(Duration.ofHours(73));
        assertThat(clock.instant()).isAfter(webExpiry);

        assertThatThrownBy(() -> roundTrip(web, toEcho))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("certificate " + echo.identity().leaf().id())
            .hasMessageContaining("expired at " + echo.identity().leaf().notAfter());

        IssuedLeaf fresh =
            agent
                .activeCa()
                .leafBuilder("echo")
                .validity(
                    clock.instant().minus(Duration.ofHours(1)),
                    clock.instant().plus(Duration.ofHours(1)))
                .issue();
        try (StaticIdentitySource validSource =
                StaticIdentitySource.fromPem(
                    agent.activeCa().rootPem(), fresh.certificatePem(), fresh.privateKeyPem());
            ConnectService valid =
                Connect.service("echo")
                    .identitySource(validSource)
                    .clock(clock)
                    .authorizer(
                        r -> CompletableFuture.completedFuture(AuthorizationDecision.allow("test")))
                    .listener(
                        new ConnectListener() {
                          @Override
                          public void onConnectionRefused(ServiceIdentity client, String reason) {
                            refusedByValidServer.add(reason);
                          }
                        })
                    .build();
            EchoAcceptor validServer =
                new EchoAcceptor(
                    valid.serverSocket(
                        new ServerSocket(0, 50, InetAddress.getLoopbackAddress())))) {
          assertThatThrownBy(
                  () ->
                      roundTrip(
                          web, staticAddress(validServer.port(), valid.identity().leaf().id())))
              .isInstanceOf(IOException.class);
          await()
              .atMost(AWAIT)
              .untilAsserted(
                  () ->
                      assertThat(refusedByValidServer)
                          .anyMatch(
                              r ->
                                  r.contains("client certificate " + web.identity().leaf().id())
                                      && r.contains("expired at " + webExpiry)));
        }

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
