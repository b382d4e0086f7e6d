package dev.connectnative.internal.discovery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.connectnative.AgentConfig;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.AgentClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers the dev agent cannot give: Consul Enterprise entries naming their namespace and
 * partition, and prepared queries run in another datacenter.
 */
class AgentAnswersScopeTest {
  private static final String TRUST_DOMAIN = "11111111-2222-3333-4444-555555555555.consul";

  private final WireMockServer agent =
      new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "connect-scope-test");
            t.setDaemon(true);
            return t;
          });
  private AgentClient client;

  private AgentClient client() {
    agent.start();
    client = AgentClient.create(AgentConfig.builder().address("127.0.0.1:" + agent.port()).build());
    return client;
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    scheduler.shutdownNow();
    agent.stop();
  }

  /** One health entry; {@code scope} is extra {@code Service} fields, empty for Consul OSS. */
  private static String entry(String id, String nodeDc, int port, String scope) {
    String dc = nodeDc == null ? "" : ",\"Datacenter\":\"" + nodeDc + "\"";
    return "{\"Node\":{\"Node\":\"n-"
        + id
        + "\",\"Address\":\"10.0.0."
        + port % 200
        + "\""
        + dc
        + "},\"Service\":{\"ID\":\""
        + id
        + "\",\"Service\":\"echo\",\"Tags\":[],\"Address\":\"\",\"Meta\":{},\"Port\":"
        + port
        + scope
        + ",\"Connect\":{\"Native\":true}},\"Checks\":[]}";
  }

  @Test
  void enterpriseEntriesCarryTheirOwnNamespaceAndPartition() throws Exception {
    AgentClient agentClient = client();
    agent.stubFor(
        get(urlPathEqualTo("/v1/health/connect/echo"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("X-Consul-Index", "7")
                    .withBody(
                        "["
                            + entry(
                                "echo-ent",
                                "dc1",
                                8443,
                                ",\"Namespace\":\"team-a\",\"Partition\":\"eu\"")
                            + ","
                            + entry("echo-oss", "dc1", 9443, "")
                            + "]")));
    try (HealthResolver health =
        new HealthResolver(
            agentClient, () -> "dc1", scheduler, Duration.ofMinutes(10), System::nanoTime)) {
      List<ServiceInstance> found =
          health
              .resolve("echo", DialOptions.builder().namespace("ops").build())
              .get(10, TimeUnit.SECONDS);

      assertThat(found)
          .extracting(i -> i.expectedIdentity(TRUST_DOMAIN))
          .containsExactly(
              new ServiceIdentity(TRUST_DOMAIN, "eu", "team-a", "dc1", "echo"),
              new ServiceIdentity(TRUST_DOMAIN, "default", "ops", "dc1", "echo"));
    }
  }

  @Test
  void aPreparedQueryInAnotherDatacenterIsRunThereAndExpectsItsIdentity() throws Exception {
    AgentClient agentClient = client();
    agent.stubFor(
        get(urlPathEqualTo("/v1/query/geo/execute"))
            .withQueryParam("dc", equalTo("dc2"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"Service\":\"echo\",\"Nodes\":["
                            + entry("echo-far", null, 7443, "")
                            + "],\"DNS\":{\"TTL\":\"\"},\"Datacenter\":\"dc2\",\"Failovers\":0}")));
    agent.stubFor(
        get(urlPathEqualTo("/v1/query/geo/execute"))
            .withQueryParam("dc", absent())
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"Service\":\"echo\",\"Nodes\":["
                            + entry("echo-failover", null, 6443, "")
                            + "],\"DNS\":{\"TTL\":\"\"},\"Datacenter\":\"dc3\",\"Failovers\":2}")));
    PreparedQueryResolver queries =
        new PreparedQueryResolver(
            agentClient,
            () -> "dc1",
            Duration.ofSeconds(5),
            Ticker.disabledTicker(),
            Runnable::run);

    List<ServiceInstance> remote =
        queries
            .resolve("geo", DialOptions.builder().preparedQuery().datacenter("dc2").build())
            .get(10, TimeUnit.SECONDS);
    List<ServiceInstance> local =
        queries
            .resolve("geo", DialOptions.builder().preparedQuery().build())
            .get(10, TimeUnit.SECONDS);

    assertThat(remote)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.port()).isEqualTo(7443);
              assertThat(i.expectedIdentity(TRUST_DOMAIN))
                  .isEqualTo(ServiceIdentity.of(TRUST_DOMAIN, "dc2", "echo"));
            });
    assertThat(local)
        .singleElement()
        .satisfies(
            i ->
                assertThat(i.expectedIdentity(TRUST_DOMAIN))
                    .as("after a failover the answering datacenter is expected")
                    .isEqualTo(ServiceIdentity.of(TRUST_DOMAIN, "dc3", "echo")));
    agent.verify(
        1,
        getRequestedFor(urlPathEqualTo("/v1/query/geo/execute"))
            .withQueryParam("connect", equalTo("true"))
            .withQueryParam("dc", equalTo("dc2")));
    agent.verify(
        1,
        getRequestedFor(urlPathEqualTo("/v1/query/geo/execute"))
            .withQueryParam("connect", equalTo("true"))
            .withQueryParam("dc", absent()));
    queries.close();
  }
}
