package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IntentionsTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentHttp http = new AgentHttp(agent);

  @AfterEach
  void close() {
    agent.close();
  }

  private JsonNode authorize(String source, String target) {
    AgentHttp.Answer answer =
        http.post(
            "/v1/agent/connect/authorize",
            "{\"Target\":\""
                + target
                + "\",\"ClientCertURI\":\""
                + agent.serviceUri(source)
                + "\"}");
    assertThat(answer.status()).isEqualTo(200);
    return answer.json();
  }

  @Test
  void exactBeatsWildcardAndReasonsNameTheMatch() {
    String denyAll = agent.createIntention("*", "*", IntentionAction.DENY);
    String allow = agent.createIntention("web", "echo", IntentionAction.ALLOW);
    agent.createIntention("*", "db", IntentionAction.ALLOW);
    assertThat(authorize("web", "echo").path("Reason").asText())
        .isEqualTo(
            "Matched L4 intention: default/web => default/echo (ID: "
                + allow
                + ", Precedence: 9, Action: ALLOW)");
    assertThat(authorize("api", "echo").path("Reason").asText())
        .isEqualTo(
            "Matched L4 intention: default/* => default/* (ID: "
                + denyAll
                + ", Precedence: 5, Action: DENY)");
    assertThat(authorize("api", "db").path("Reason").asText())
        .contains("default/* => default/db", "Precedence: 8");
    assertThat(authorize("api", "echo").path("Authorized").asBoolean()).isFalse();

    agent.upsertIntentionExact("db", "echo", IntentionAction.DENY);
    assertThat(authorize("web", "echo").path("Reason").asText())
        .isEqualTo(
            "Matched L4 intention: default/web => default/echo (Precedence: 9, Action: ALLOW)");
    JsonNode match =
        http.get("/v1/connect/intentions/match?by=destination&name=echo").json().path("echo");
    assertThat(match).hasSize(3);
    assertThat(match.get(0).path("SourceName").asText()).isEqualTo("db");
    assertThat(match.get(0).has("ID")).isFalse();
    assertThat(match.get(2).path("ID").asText()).isEqualTo(denyAll);
    assertThat(
            http.get("/v1/connect/intentions/check?source=db&destination=echo")
                .json()
                .path("Allowed")
                .asBoolean())
        .isFalse();

    agent.deleteIntention(denyAll);
    assertThat(authorize("api", "echo").path("Reason").asText())
        .isEqualTo("ACLs disabled, access is allowed by default");
  }

  @Test
  void l7IntentionsAreStoredReturnedAndDenyL4() {
    String entry =
        "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":[{\"Name\":\"web\",\"Permissions\":["
            + "{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/api\",\"Methods\":[\"GET\"],"
            + "\"Header\":[{\"Name\":\"x-env\",\"Exact\":\"prod\"}]}}]},"
            + "{\"Name\":\"db\",\"Action\":\"allow\"}]}";
    assertThat(http.put("/v1/config", entry).body()).isEqualTo("true\n");
    JsonNode stored = http.get("/v1/config/service-intentions/echo").json();
    assertThat(
            stored
                .path("Sources")
                .get(0)
                .path("Permissions")
                .get(0)
                .path("HTTP")
                .path("PathPrefix")
                .asText())
        .isEqualTo("/api");
    assertThat(stored.path("Sources").get(0).path("Precedence").asInt()).isEqualTo(9);
    JsonNode web = authorize("web", "echo");
    assertThat(web.path("Authorized").asBoolean()).isFalse();
    assertThat(web.path("Reason").asText())
        .isEqualTo(
            "Matched L7 intention: default/web => default/echo (Precedence: 9, Permissions: 1)");
    assertThat(authorize("db", "echo").path("Authorized").asBoolean()).isTrue();
    assertThat(http.get("/v1/connect/intentions").json()).hasSize(2);
  }

  @Test
  void configEntryQueriesBlockUntilAChange() {
    assertThat(http.get("/v1/config/service-intentions/echo").status()).isEqualTo(404);
    agent.upsertIntentionExact("web", "echo", IntentionAction.ALLOW);
    AgentHttp.Answer first = http.get("/v1/config/service-intentions/echo");
    assertThat(first.json().path("Sources").get(0).path("Action").asText()).isEqualTo("allow");
    CompletableFuture<AgentHttp.Answer> blocked =
        http.sendAsync(
            "GET", "/v1/config/service-intentions/echo?index=" + first.index() + "&wait=30s", "");
    Awaitility.await().until(() -> agent.requestCount("/v1/config/") == 3);
    assertThat(blocked).isNotDone();
    agent.upsertIntentionExact("web", "echo", IntentionAction.DENY);
    AgentHttp.Answer changed = blocked.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(changed.json().path("Sources").get(0).path("Action").asText()).isEqualTo("deny");
    assertThat(http.delete("/v1/config/service-intentions/echo").status()).isEqualTo(200);
    assertThat(http.get("/v1/config/service-intentions/echo").status()).isEqualTo(404);
  }

  @Test
  void httpIntentionApiRoundTrips() {
    AgentHttp.Answer created =
        http.post(
            "/v1/connect/intentions",
            "{\"SourceName\":\"web\",\"DestinationName\":\"echo\",\"Action\":\"deny\"}");
    String id = created.json().path("ID").asText();
    assertThat(http.get("/v1/connect/intentions/" + id).json().path("Action").asText())
        .isEqualTo("deny");
    assertThat(
            http.post(
                    "/v1/connect/intentions",
                    "{\"SourceName\":\"web\",\"DestinationName\":\"echo\",\"Action\":\"nope\"}")
                .body())
        .isEqualTo("Invalid Intention: Action must be set to 'allow' or 'deny'");
    assertThat(
            http.put(
                    "/v1/connect/intentions/exact?source=web&destination=echo",
                    "{\"Action\":\"allow\"}")
                .body())
        .isEqualTo("true\n");
    assertThat(
            http.get("/v1/connect/intentions/exact?source=web&destination=echo")
                .json()
                .path("Action")
                .asText())
        .isEqualTo("allow");
    assertThat(http.get("/v1/connect/intentions/match?by=nope&name=echo").status()).isEqualTo(400);
    assertThat(http.get("/v1/connect/intentions/match?name=echo").body())
        .isEqualTo("required query parameter 'by' not set");
    assertThat(http.delete("/v1/connect/intentions/exact?source=web&destination=echo").status())
        .isEqualTo(200);
    assertThat(http.get("/v1/connect/intentions").json()).isEmpty();
    assertThat(http.delete("/v1/connect/intentions/" + id).status()).isEqualTo(404);
  }
}
