package dev.connectnative.internal.net;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.DialOptions;
import dev.connectnative.Resolver;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.authz.AgentAuthorizer;
import dev.connectnative.internal.authz.CachingAuthorizer;
import dev.connectnative.internal.authz.ClientAuthorizerHook;
import dev.connectnative.internal.authz.IntentionsWatch;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.discovery.HealthResolver;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Web dials echo through the in-process dev agent: discovery, authorization, intentions. */
class DevAgentMeshTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentClient client =
      AgentClient.create(AgentConfig.builder().address(agent.address()).build());
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "connect-test-scheduler");
            t.setDaemon(true);
            return t;
          });
  private final RecordingEvents events = new RecordingEvents();
  private final MeshService echo = MeshService.of(agent.activeCa(), "echo");
  private final MeshService web = MeshService.of(agent.activeCa(), "web");
  private final CachingAuthorizer authorizer =
      CachingAuthorizer.builder(new AgentAuthorizer(client)).events(events).build();
  private final LiveConnections live = new LiveConnections(events);
  private HealthResolver resolver;
  private EchoServer server;
  private IntentionsWatch intentions;

  @BeforeEach
  void start() throws IOException {
    echo.trust.clientAuthorizer(
        new ClientAuthorizerHook("echo", authorizer, Duration.ofSeconds(5), events));
    server =
        new EchoServer(
            echo,
            new AcceptPolicy(
                "echo",
                authorizer,
                live,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                events,
                scheduler));
    agent.registerService("echo", server.port());
    resolver =
        new HealthResolver(
            client, () -> "dc1", scheduler, HealthResolver.DEFAULT_IDLE_TIMEOUT, System::nanoTime);
    intentions = IntentionsWatch.start(client, "echo", authorizer, live, scheduler);
  }

  @AfterEach
  void stop() throws IOException {
    intentions.close();
    resolver.close();
    server.close();
    scheduler.shutdownNow();
    client.close();
    agent.close();
  }

  private Dialer dialer(MeshService from) {
    return new Dialer(
        from.name, from.context, from.source, resolver, events, new Random(3), scheduler);
  }

  private static String exchange(SSLSocket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(UTF_8));
    socket.getOutputStream().flush();
    return new String(socket.getInputStream().readNBytes(text.length()), UTF_8);
  }

  @Test
  void webDialsEchoFoundThroughTheAgent() throws Exception {
    try (SSLSocket socket = dialer(web).dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(socket, "ping")).isEqualTo("ping");
    }
    assertThat(server.clients.poll(10, TimeUnit.SECONDS).service()).isEqualTo("web");
  }

  @Test
  void aThousandDialsMakeAHandfulOfAgentCalls() throws Exception {
    Dialer dialer = dialer(web);
    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      try (SSLSocket socket = dialer.dial("echo", DialOptions.DEFAULTS)) {
        socket.getOutputStream().write('x');
        socket.getOutputStream().flush();
        assertThat(socket.getInputStream().read()).isEqualTo('x');
      }
    }
    int discovery = agent.requestCount("/v1/health/connect/echo");
    int authorize = agent.requestCount("/v1/agent/connect/authorize");
    assertThat(discovery).as("health queries for 1000 dials").isLessThanOrEqualTo(3);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(authorize)
        .as("authorize calls for 1000 accepted connections in %d s (one per 10 s TTL)", seconds)
        .isLessThanOrEqualTo(2 + (int) (seconds / CachingAuthorizer.DEFAULT_ALLOW_TTL.toSeconds()));
  }

  @Test
  void denyIntentionRefusesTheNextConnectionAndDropsTheLiveOne() throws Exception {
    Dialer dialer = dialer(web);
    try (SSLSocket established = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(established, "before")).isEqualTo("before");
      await().atMost(Duration.ofSeconds(10)).until(() -> live.size() == 1);
      agent.createIntention("web", "echo", IntentionAction.DENY);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> events.seen.stream().anyMatch(e -> e.startsWith("revoked web -> echo")));
      assertThat(readOrEnd(established)).isEqualTo(-1);
    }
    AcceptDialTest.assertRefused(dialer);
    assertThat(events.seen)
        .anyMatch(
            e ->
                e.startsWith("denied web -> echo: client " + agent.serviceUri("web"))
                    && e.contains("is not allowed to connect to echo")
                    && e.contains("DENY"));
  }

  @Test
  void agentDownRefusesNewConnectionsWhileEstablishedOnesContinue() throws Exception {
    Dialer dialer = dialer(web);
    try (SSLSocket established = dialer.dial("echo", DialOptions.DEFAULTS)) {
      assertThat(exchange(established, "up")).isEqualTo("up");
      agent.stop();
      authorizer.invalidateAll();
      AcceptDialTest.assertRefused(dialer);
      assertThat(exchange(established, "still up")).isEqualTo("still up");
    }
    assertThat(events.seen)
        .anyMatch(
            e ->
                e.startsWith("authorization failed web: no authorization decision for")
                    && e.contains("agent did not answer"));
  }

  @Test
  void agentErrorOnAuthorizeFailsClosedWithTheAgentsMessage() throws Exception {
    agent.faults().failWith("/v1/agent/connect/authorize", 500, "rpc error: No cluster leader");
    AcceptDialTest.assertRefused(dialer(web));
    Throwable serverSide = server.failures.poll(10, TimeUnit.SECONDS);
    assertThat(serverSide)
        .hasMessageContaining("client " + agent.serviceUri("web") + " is not allowed to connect")
        .hasMessageContaining("agent answered 500 rpc error: No cluster leader");
  }

  @Test
  void noHealthyInstanceWhenTheServiceIsGone() throws Exception {
    agent.deregisterService("echo");
    assertThatThrownBy(() -> dialer(web).dial("echo", DialOptions.DEFAULTS))
        .isInstanceOf(IOException.class)
        .hasMessage("no healthy instance of \"echo\" in dc1");
  }

  @Test
  void resolverErrorsReachTheCaller() {
    Resolver failing = resolver;
    agent.faults().failWith("/v1/health/connect/", 403, "Permission denied");
    assertThatThrownBy(
            () ->
                new Dialer(
                        "web", web.context, web.source, failing, events, new Random(1), scheduler)
                    .dial("echo", DialOptions.DEFAULTS))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot dial \"echo\": cannot find instances of echo")
        .hasMessageContaining("403 Permission denied");
  }

  private static int readOrEnd(SSLSocket socket) {
    try {
      return socket.getInputStream().read();
    } catch (IOException e) {
      return -1;
    }
  }
}
