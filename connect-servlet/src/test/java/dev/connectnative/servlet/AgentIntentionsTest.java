package dev.connectnative.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.testkit.DevAgent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AgentIntentions} following the dev agent's config entry, and its failure modes. */
class AgentIntentionsTest {
  private static final String PATH = "/v1/config/service-intentions/echo";
  private static final String WEB_DENIED =
      "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
          + "{\"Name\":\"web\",\"Action\":\"deny\"}]}";

  private DevAgent agent;
  private AgentIntentions intentions;
  private ServiceIdentity web;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().start();
    web = ServiceIdentity.of(agent.trustDomain(), "dc1", "web");
    intentions =
        AgentIntentions.watch(
            AgentConfig.builder().address(agent.address()).build(), "echo", Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    intentions.close();
    agent.close();
  }

  private IntentionDecision.Outcome outcomeForWeb() {
    return intentions
        .current()
        .orElseThrow()
        .evaluate(web, new IntentionRequest("GET", "/", Map.of()))
        .outcome();
  }

  private void send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + path))
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void followsTheEntryThroughCreationChangeAndDeletion() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> intentions.current().isPresent());
    assertThat(outcomeForWeb()).isEqualTo(IntentionDecision.Outcome.NO_MATCHING_SOURCE);

    send("PUT", "/v1/config", WEB_DENIED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> outcomeForWeb() == IntentionDecision.Outcome.DENY);

    send("DELETE", PATH, "");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> outcomeForWeb() == IntentionDecision.Outcome.NO_MATCHING_SOURCE);
    assertThat(intentions.problem()).isEmpty();
  }

  @Test
  void keepsTheLastIntentionsWhileTheAgentFails() throws Exception {
    send("PUT", "/v1/config", WEB_DENIED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                intentions.current().isPresent()
                    && outcomeForWeb() == IntentionDecision.Outcome.DENY);

    agent.faults().failWith(PATH, 500, "rpc error: No cluster leader");
    await().atMost(Duration.ofSeconds(15)).until(() -> intentions.problem().isPresent());

    assertThat(intentions.problem().orElseThrow())
        .startsWith("agent error, keeping the last intentions: ")
        .contains("No cluster leader");
    assertThat(outcomeForWeb()).isEqualTo(IntentionDecision.Outcome.DENY);
  }

  @Test
  void anEntryThatCannotBeEnforcedEmptiesTheIntentions() throws Exception {
    send("PUT", "/v1/config", WEB_DENIED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                intentions.current().isPresent()
                    && outcomeForWeb() == IntentionDecision.Outcome.DENY);

    agent
        .faults()
        .failWith(
            PATH,
            200,
            "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"JWT\":{\"Providers\":"
                + "[{\"Name\":\"okta\"}]},\"Sources\":[{\"Name\":\"web\",\"Action\":\"allow\"}]}");
    await().atMost(Duration.ofSeconds(15)).until(() -> intentions.current().isEmpty());

    assertThat(intentions.problem().orElseThrow())
        .startsWith(
            "service-intentions \"echo\": JWT is set, but JWT requirements are not enforced");
  }
}
