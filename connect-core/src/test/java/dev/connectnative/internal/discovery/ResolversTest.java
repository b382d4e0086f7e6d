package dev.connectnative.internal.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.ServiceRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health watches, prepared queries and routing against the dev agent. */
class ResolversTest {
  private static final String HEALTH = "/v1/health/connect/echo";

  private final DevAgent agent = DevAgent.builder().start();
  private final AgentClient client =
      AgentClient.create(AgentConfig.builder().address(agent.address()).build());
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "connect-resolver-test");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong nanos = new AtomicLong();
  private final HealthResolver health =
      new HealthResolver(client, () -> "dc1", scheduler, Duration.ofMinutes(10), nanos::get);

  @AfterEach
  void stop() {
    health.close();
    scheduler.shutdownNow();
    client.close();
    agent.close();
  }

  private List<ServiceInstance> resolve(String name, DialOptions options) throws Exception {
    return health.resolve(name, options).get(10, TimeUnit.SECONDS);
  }

  @Test
  void instancesCarryAddressPortAndTheIdentityPartsOfTheirDatacenter() throws Exception {
    agent.registerService(
        ServiceRegistration.builder("echo").id("echo-1").address("10.0.0.7").port(8443).build());
    agent.registerService(
        ServiceRegistration.builder("echo").id("echo-2").address("::1").port(9443).build());
    List<ServiceInstance> found = resolve("echo", DialOptions.DEFAULTS);
    assertThat(found)
        .extracting(ServiceInstance::address)
        .containsExactlyInAnyOrder("10.0.0.7:8443", "[::1]:9443");
    assertThat(found.get(0).expectedIdentity(agent.trustDomain()))
        .isEqualTo(ServiceIdentity.of(agent.trustDomain(), agent.datacenter(), "echo"));
  }

  @Test
  void oneWatchPerTargetAndNoRequestPerResolveOnceWarm() throws Exception {
    agent.registerService("echo", 8443);
    resolve("echo", DialOptions.DEFAULTS);
    int afterFirst = agent.requestCount(HEALTH);
    for (int i = 0; i < 500; i++) {
      assertThat(resolve("echo", DialOptions.DEFAULTS)).hasSize(1);
    }
    assertThat(health.watchCount()).isEqualTo(1);
    assertThat(agent.requestCount(HEALTH)).isLessThanOrEqualTo(afterFirst + 1);

    resolve("echo", DialOptions.builder().filter("Service.Port == 8443").build());
    assertThat(health.watchCount()).as("another filter is another target").isEqualTo(2);
  }

  @Test
  void changesArriveThroughTheBlockingQuery() throws Exception {
    agent.registerService(ServiceRegistration.builder("echo").id("echo-1").port(8443).build());
    assertThat(resolve("echo", DialOptions.DEFAULTS)).hasSize(1);
    agent.registerService(ServiceRegistration.builder("echo").id("echo-2").port(8444).build());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> resolve("echo", DialOptions.DEFAULTS).size() == 2);
    agent.registerService(
        ServiceRegistration.builder("echo").id("echo-3").port(8445).ttlCheck("echo-3-ttl").build());
    agent.deregisterService("echo-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                resolve("echo", DialOptions.DEFAULTS).stream()
                    .map(ServiceInstance::id)
                    .toList()
                    .equals(List.of("echo-2")));
  }

  @Test
  void anUnusedWatchIsStoppedAndStartedAgainOnTheNextDial() throws Exception {
    agent.registerService("echo", 8443);
    resolve("echo", DialOptions.DEFAULTS);
    nanos.addAndGet(Duration.ofMinutes(5).toNanos());
    health.sweep();
    assertThat(health.watchCount()).isEqualTo(1);
    nanos.addAndGet(Duration.ofMinutes(6).toNanos());
    health.sweep();
    assertThat(health.watchCount()).isZero();
    assertThat(resolve("echo", DialOptions.DEFAULTS)).hasSize(1);
    assertThat(health.watchCount()).isEqualTo(1);
  }

  @Test
  void theFirstDialFailsWithTheAgentsErrorAndLaterOnesRetry() throws Exception {
    agent.faults().failWith(HEALTH, 500, "rpc error: No cluster leader");
    assertThatThrownBy(() -> resolve("echo", DialOptions.DEFAULTS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(AgentException.class)
        .hasMessageStartingWith("cannot find instances of echo: ")
        .hasMessageContaining("agent answered 500 rpc error: No cluster leader");
    agent.faults().clear();
    agent.registerService("echo", 8443);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> resolve("echo", DialOptions.DEFAULTS).size() == 1);
  }

  @Test
  void knownInstancesAreServedWhileTheAgentIsDown() throws Exception {
    agent.registerService("echo", 8443);
    assertThat(resolve("echo", DialOptions.DEFAULTS)).hasSize(1);
    agent.stop();
    assertThat(resolve("echo", DialOptions.DEFAULTS)).hasSize(1);
  }

  @Test
  void preparedQueriesRunWithConnectAndAreReusedBriefly() throws Exception {
    agent.registerService("echo", 8443);
    String body =
        "{\"Name\":\"echo-near\",\"Service\":{\"Service\":\"echo\",\"OnlyPassing\":true}}";
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/v1/query"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(200);
    AtomicLong ticks = new AtomicLong();
    Ticker ticker = ticks::get;
    PreparedQueryResolver queries =
        new PreparedQueryResolver(
            client, () -> "dc1", Duration.ofSeconds(5), ticker, Runnable::run);
    RoutingResolver routing = new RoutingResolver(health, queries);
    DialOptions byQuery = DialOptions.builder().preparedQuery().build();
    List<ServiceInstance> found = routing.resolve("echo-near", byQuery).get(10, TimeUnit.SECONDS);
    assertThat(found)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.service()).isEqualTo("echo");
              assertThat(i.port()).isEqualTo(8443);
              assertThat(i.datacenter()).isEqualTo(agent.datacenter());
            });
    routing.resolve("echo-near", byQuery).get(10, TimeUnit.SECONDS);
    assertThat(agent.requestCount("/v1/query/echo-near/execute")).isEqualTo(1);
    assertThat(agent.requests())
        .anyMatch(
            r ->
                r.path().equals("/v1/query/echo-near/execute")
                    && r.query().contains("connect=true"));
    ticks.addAndGet(Duration.ofSeconds(6).toNanos());
    routing.resolve("echo-near", byQuery).get(10, TimeUnit.SECONDS);
    assertThat(agent.requestCount("/v1/query/echo-near/execute")).isEqualTo(2);
  }

  @Test
  void aPreparedQueryWithADatacenterRunsInThatDatacenter() throws Exception {
    agent.registerService("echo", 8443);
    String body = "{\"Name\":\"echo-dc\",\"Service\":{\"Service\":\"echo\"}}";
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/v1/query"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(200);
    PreparedQueryResolver queries =
        new PreparedQueryResolver(
            client, () -> "dc1", Duration.ofSeconds(5), Ticker.disabledTicker(), Runnable::run);
    DialOptions here = DialOptions.builder().preparedQuery().datacenter(agent.datacenter()).build();
    DialOptions elsewhere = DialOptions.builder().preparedQuery().datacenter("dc-nowhere").build();

    assertThat(queries.resolve("echo-dc", here).get(10, TimeUnit.SECONDS))
        .singleElement()
        .satisfies(i -> assertThat(i.datacenter()).isEqualTo(agent.datacenter()));
    assertThat(agent.requests())
        .anyMatch(
            r ->
                r.path().equals("/v1/query/echo-dc/execute")
                    && r.query().contains("dc=" + agent.datacenter()));
    assertThatThrownBy(() -> queries.resolve("echo-dc", elsewhere).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("No path to datacenter");
  }

  @Test
  void aStaticAddressNeedsNoAgent() throws Exception {
    agent.stop();
    ServiceIdentity expected = ServiceIdentity.of(agent.trustDomain(), "dc2", "echo");
    RoutingResolver routing =
        new RoutingResolver(
            health,
            new PreparedQueryResolver(
                client, () -> "dc1", Duration.ofSeconds(5), Ticker.systemTicker(), Runnable::run));
    List<ServiceInstance> found =
        routing
            .resolve("echo", DialOptions.builder().staticAddress("[::1]", 7443, expected).build())
            .get(1, TimeUnit.SECONDS);
    assertThat(found)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.address()).isEqualTo("[::1]:7443");
              assertThat(i.expectedIdentity(agent.trustDomain())).isEqualTo(expected);
            });
  }
}
