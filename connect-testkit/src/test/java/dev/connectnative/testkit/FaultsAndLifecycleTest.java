package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultsAndLifecycleTest {
  private static final String LEAF = "/v1/agent/connect/ca/leaf/";
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentHttp http = new AgentHttp(agent);

  @AfterEach
  void close() {
    agent.close();
  }

  @Test
  void failsAMatchingPrefixWithTheGivenStatusAndBody() {
    agent.faults().failWith(LEAF, 503, "agent is sad");
    AgentHttp.Answer answer = http.get(LEAF + "web");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("agent is sad");
    assertThat(answer.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(http.get("/v1/agent/connect/ca/roots").status()).isEqualTo(200);
    agent.faults().clear();
    assertThat(http.get(LEAF + "web").status()).isEqualTo(200);
  }

  @Test
  void stallsUntilReleased() {
    agent.faults().stall(LEAF);
    CompletableFuture<AgentHttp.Answer> held = http.sendAsync("GET", LEAF + "web", "");
    Awaitility.await().until(() -> agent.requestCount(LEAF) == 1);
    assertThat(held).isNotDone();
    agent.faults().release(LEAF);
    assertThat(held.orTimeout(10, TimeUnit.SECONDS).join().status()).isEqualTo(200);
  }

  @Test
  void stallsForADelay() {
    agent.faults().stall(LEAF, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(http.get(LEAF + "web").status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(290);
  }

  @Test
  void answersGarbage() {
    agent.faults().garbage("/v1/agent/connect/ca/roots");
    AgentHttp.Answer answer = http.get("/v1/agent/connect/ca/roots");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
    assertThatThrownBy(() -> new ObjectMapper().readTree(answer.body()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void resetsMidBody() {
    agent.faults().resetMidBody("/v1/agent/connect/ca/roots");
    assertThatThrownBy(() -> http.get("/v1/agent/connect/ca/roots"))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThat(agent.requestCount("/v1/agent/connect/ca/roots")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void restartKeepsPortCaAndCatalogAndStopAnswersBlockedQueries() {
    agent.registerService("echo", 9090);
    AgentHttp.Answer roots = http.get("/v1/agent/connect/ca/roots");
    int port = agent.port();
    CompletableFuture<AgentHttp.Answer> blocked =
        http.sendAsync(
            "GET", "/v1/agent/connect/ca/roots?index=" + roots.index() + "&wait=60s", "");
    Awaitility.await().until(() -> agent.requestCount("/v1/agent/connect/ca/roots") == 2);

    agent.stop();
    assertThat(blocked.handle((a, e) -> true).orTimeout(10, TimeUnit.SECONDS).join()).isTrue();
    assertThatThrownBy(() -> http.get("/v1/agent/connect/ca/roots"))
        .hasCauseInstanceOf(java.net.ConnectException.class);
    agent.stop();

    agent.restart();
    assertThat(agent.port()).isEqualTo(port);
    AgentHttp.Answer again = http.get("/v1/agent/connect/ca/roots");
    assertThat(again.json().path("ActiveRootID")).isEqualTo(roots.json().path("ActiveRootID"));
    assertThat(http.get("/v1/health/connect/echo").json()).hasSize(1);

    agent.close();
    agent.close();
    assertThatThrownBy(agent::restart).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void recordsRequests() {
    http.get("/v1/agent/connect/ca/roots?index=0");
    http.get(LEAF + "web");
    assertThat(agent.requestCount("/v1/agent/connect/ca/")).isEqualTo(2);
    assertThat(agent.requests())
        .containsExactly(
            new RecordedRequest("GET", "/v1/agent/connect/ca/roots", "index=0"),
            new RecordedRequest("GET", LEAF + "web", ""));
  }

  @Test
  void answersUnknownPathsAndMethodsLikeConsul() {
    AgentHttp.Answer wrongMethod = http.get("/v1/agent/connect/authorize");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("OPTIONS,POST");
    assertThat(wrongMethod.body()).isEqualTo("method GET not allowed");
    assertThat(http.get("/v1/nope").status()).isEqualTo(404);
    assertThat(http.get(LEAF).body()).isEqualTo("URI must be either service or agent");
  }
}
