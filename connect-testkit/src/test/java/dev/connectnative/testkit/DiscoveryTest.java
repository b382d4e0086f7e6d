package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentHttp http = new AgentHttp(agent);

  @BeforeEach
  void register() {
    agent.registerService(
        ServiceRegistration.builder("echo")
            .port(9090)
            .tags(List.of("v1"))
            .meta(Map.of("version", "1"))
            .build());
    agent.registerService(
        ServiceRegistration.builder("echo")
            .id("echo-2")
            .port(9091)
            .tags(List.of("v2", "canary"))
            .meta(Map.of("version", "2"))
            .ttlCheck("echo-2-ttl")
            .build());
    agent.registerService(
        ServiceRegistration.builder("legacy").port(80).connectNative(false).build());
  }

  @AfterEach
  void close() {
    agent.close();
  }

  private List<String> ids(JsonNode entries) {
    return java.util.stream.StreamSupport.stream(entries.spliterator(), false)
        .map(e -> e.path("Service").path("ID").asText())
        .toList();
  }

  private JsonNode health(String query) {
    return http.get("/v1/health/connect/echo" + query).json();
  }

  @Test
  void passingDropsInstancesWithFailingChecks() {
    assertThat(ids(health(""))).containsExactly("echo", "echo-2");
    assertThat(ids(health("?passing"))).containsExactly("echo");
    agent.passCheck("echo-2-ttl");
    assertThat(ids(health("?passing"))).containsExactly("echo", "echo-2");
    agent.warnCheck("echo-2-ttl");
    assertThat(ids(health("?passing"))).containsExactly("echo");
    agent.failCheck("echo-2-ttl");
    JsonNode check = health("").get(1).path("Checks").get(1);
    assertThat(check.path("Status").asText()).isEqualTo("critical");
    assertThat(check.path("Type").asText()).isEqualTo("ttl");
    assertThat(http.get("/v1/health/connect/legacy").json()).isEmpty();
    assertThat(http.put("/v1/agent/check/pass/echo-2-ttl?note=ok", "").status()).isEqualTo(200);
    assertThat(health("?passing").get(1).path("Checks").get(1).path("Output").asText())
        .isEqualTo("ok");
    assertThat(http.put("/v1/agent/check/pass/nope", "").status()).isEqualTo(404);
  }

  @Test
  void ttlChecksExpireAndWakeBlockingQueries() {
    agent.registerService(
        ServiceRegistration.builder("beat")
            .port(1)
            .ttlCheck("beat-ttl", Duration.ofMillis(400))
            .build());
    agent.passCheck("beat-ttl");
    AgentHttp.Answer passing = http.get("/v1/health/connect/beat?passing");
    assertThat(ids(passing.json())).containsExactly("beat");
    long start = System.nanoTime();
    AgentHttp.Answer expired =
        http.get("/v1/health/connect/beat?passing&index=" + passing.index() + "&wait=20s");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(expired.json()).isEmpty();
    assertThat(expired.index()).isGreaterThan(passing.index());
    assertThat(tookMs).isLessThan(10_000);
    JsonNode check = http.get("/v1/health/connect/beat").json().get(0).path("Checks").get(1);
    assertThat(check.path("Status").asText()).isEqualTo("critical");
    assertThat(check.path("Output").asText()).isEqualTo("TTL expired");
    agent.passCheck("beat-ttl");
    assertThat(ids(http.get("/v1/health/connect/beat?passing").json())).containsExactly("beat");
  }

  @Test
  void filtersOnTagsAndMeta() {
    assertThat(ids(health("?filter=" + enc("Service.Tags contains \"v2\""))))
        .containsExactly("echo-2");
    assertThat(ids(health("?filter=" + enc("Service.Meta.version == \"1\""))))
        .containsExactly("echo");
    assertThat(ids(health("?filter=" + enc("\"canary\" not in Service.Tags"))))
        .containsExactly("echo");
    assertThat(ids(health("?filter=" + enc("Service.Port == 9091 or Service.ID == \"echo\""))))
        .containsExactly("echo", "echo-2");
    assertThat(http.get("/v1/health/connect/echo?filter=" + enc("Service.Tags ~~ x")).status())
        .isEqualTo(400);
    assertThat(http.get("/v1/health/connect/echo?dc=dc2").body())
        .isEqualTo("No path to datacenter");
    assertThat(ids(health("?dc=dc1"))).hasSize(2);
  }

  @Test
  void catalogAndAgentServicesListRegistrations() {
    JsonNode catalog = http.get("/v1/catalog/connect/echo").json();
    assertThat(catalog).hasSize(2);
    assertThat(catalog.get(1).path("ServiceID").asText()).isEqualTo("echo-2");
    assertThat(catalog.get(1).path("ServicePort").asInt()).isEqualTo(9091);
    assertThat(catalog.get(1).path("ServiceConnect").path("Native").asBoolean()).isTrue();
    JsonNode services = http.get("/v1/agent/services").json();
    assertThat(services.has("legacy")).isTrue();
    assertThat(services.path("legacy").has("Connect")).isFalse();
    agent.deregisterService("echo-2");
    assertThat(http.get("/v1/catalog/connect/echo").json()).hasSize(1);
    assertThat(http.put("/v1/agent/service/deregister/echo-2", "").status()).isEqualTo(404);
  }

  @Test
  void registersOverHttpWithTtlChecks() {
    String body =
        "{\"Name\":\"api\",\"ID\":\"api-1\",\"Port\":7000,\"Connect\":{\"Native\":true},"
            + "\"Checks\":[{\"TTL\":\"10s\"},{\"TTL\":\"1m\",\"Status\":\"passing\"}]}";
    assertThat(http.put("/v1/agent/service/register", body).status()).isEqualTo(200);
    JsonNode checks = http.get("/v1/health/connect/api").json().get(0).path("Checks");
    assertThat(checks.get(1).path("CheckID").asText()).isEqualTo("service:api-1:1");
    assertThat(checks.get(2).path("CheckID").asText()).isEqualTo("service:api-1:2");
    assertThat(checks.get(1).path("Name").asText()).isEqualTo("Service 'api' check");
    assertThat(
            http.put(
                    "/v1/agent/service/register",
                    "{\"Name\":\"x\",\"Check\":{\"HTTP\":\"http://x\"}}")
                .status())
        .isEqualTo(400);
    assertThat(http.put("/v1/agent/service/register", "{\"Port\":1}").body())
        .isEqualTo("Missing service name");
  }

  @Test
  void preparedQueriesReturnConnectInstances() {
    AgentHttp.Answer created =
        http.post(
            "/v1/query",
            "{\"Name\":\"echo-q\",\"Service\":{\"Service\":\"echo\",\"OnlyPassing\":true}}");
    String id = created.json().path("ID").asText();
    assertThat(id).isNotEmpty();
    JsonNode byName = http.get("/v1/query/echo-q/execute?connect=true").json();
    assertThat(byName.path("Service").asText()).isEqualTo("echo");
    assertThat(byName.path("Datacenter").asText()).isEqualTo("dc1");
    assertThat(ids(byName.path("Nodes"))).containsExactly("echo");
    agent.passCheck("echo-2-ttl");
    assertThat(ids(http.get("/v1/query/" + id + "/execute?connect=true").json().path("Nodes")))
        .containsExactly("echo", "echo-2");
    assertThat(http.get("/v1/query/missing/execute").status()).isEqualTo(404);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
