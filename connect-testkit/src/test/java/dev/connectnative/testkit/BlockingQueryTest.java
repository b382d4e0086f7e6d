package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockingQueryTest {
  private final DevAgent agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
  private final AgentHttp http = new AgentHttp(agent);

  @AfterEach
  void close() {
    agent.close();
  }

  @Test
  void timesOutWithTheSameIndexWhenNothingChanges() {
    long index = http.get("/v1/agent/connect/ca/roots").index();
    long start = System.nanoTime();
    AgentHttp.Answer answer = http.get("/v1/agent/connect/ca/roots?index=" + index + "&wait=300ms");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(index);
    assertThat(answer.header("X-Cache")).isEqualTo("MISS");
    assertThat(tookMs).isBetween(290L, 10_000L);
  }

  @Test
  void indexZeroAnswersAtOnceAndIndexAboveCurrentWaitsWithoutReset() {
    long index = http.get("/v1/agent/connect/ca/roots").index();
    long start = System.nanoTime();
    assertThat(http.get("/v1/agent/connect/ca/roots?index=0&wait=30s").index()).isEqualTo(index);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
    start = System.nanoTime();
    AgentHttp.Answer above =
        http.get("/v1/agent/connect/ca/roots?index=" + (index + 100) + "&wait=250ms");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(240);
    assertThat(above.index()).isEqualTo(index);
  }

  @Test
  void returnsEarlyWhenTheWatchedThingChanges() {
    agent.registerService(
        ServiceRegistration.builder("echo").port(9090).ttlCheck("echo-ttl").build());
    AgentHttp.Answer before = http.get("/v1/health/connect/echo?passing");
    assertThat(before.json()).isEmpty();
    CompletableFuture<AgentHttp.Answer> blocked =
        http.sendAsync(
            "GET", "/v1/health/connect/echo?passing&index=" + before.index() + "&wait=30s", "");
    Awaitility.await().until(() -> agent.requestCount("/v1/health/connect/echo") == 2);
    assertThat(blocked).isNotDone();
    agent.passCheck("echo-ttl");
    AgentHttp.Answer after = blocked.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(after.index()).isGreaterThan(before.index());
    assertThat(after.json()).hasSize(1);
    assertThat(after.json().get(0).path("Service").path("ID").asText()).isEqualTo("echo");
  }

  @Test
  void rejectsBadIndexAndWaitLikeConsul() {
    assertThat(http.get("/v1/agent/connect/ca/roots?index=abc"))
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo(400);
              assertThat(a.body()).isEqualTo("Invalid index");
            });
    assertThat(http.get("/v1/agent/connect/ca/roots?index=1&wait=2").body())
        .isEqualTo("Invalid wait time");
    assertThat(http.get("/v1/agent/connect/ca/roots?index=1&wait=abc").body())
        .isEqualTo("Invalid wait time");
    assertThat(http.get("/v1/agent/connect/ca/roots?index=1&wait=10ms").status()).isEqualTo(200);
  }

  @Test
  void leafRenewsBeforeExpiryOnABlockingQuery() {
    DevAgent shortLived =
        DevAgent.builder().leafTtl(Duration.ofSeconds(5)).leafRenewJitter(Duration.ZERO).start();
    try {
      AgentHttp client = new AgentHttp(shortLived);
      AgentHttp.Answer first = client.get("/v1/agent/connect/ca/leaf/web");
      long start = System.nanoTime();
      AgentHttp.Answer renewed =
          client.get("/v1/agent/connect/ca/leaf/web?index=" + first.index() + "&wait=10s");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(renewed.index()).isGreaterThan(first.index());
      assertThat(renewed.json().path("SerialNumber").asText())
          .isNotEqualTo(first.json().path("SerialNumber").asText());
      // renewed at 60-90% of the 4.5 s left after the 0.5 s backdate, so before the TTL is over
      assertThat(tookMs).isLessThan(5000);
    } finally {
      shortLived.close();
    }
  }

  @Test
  void forcedRenewalWakesBlockingLeafQueries() {
    AgentHttp.Answer first = http.get("/v1/agent/connect/ca/leaf/web");
    assertThat(http.get("/v1/agent/connect/ca/leaf/web").header("X-Cache")).isEqualTo("HIT");
    CompletableFuture<AgentHttp.Answer> blocked =
        http.sendAsync(
            "GET", "/v1/agent/connect/ca/leaf/web?index=" + first.index() + "&wait=30s", "");
    Awaitility.await().until(() -> agent.requestCount("/v1/agent/connect/ca/leaf/web") == 3);
    agent.renewLeaf("web");
    AgentHttp.Answer renewed = blocked.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(renewed.index()).isGreaterThan(first.index());
    assertThat(renewed.json().path("CertPEM").asText())
        .isNotEqualTo(first.json().path("CertPEM").asText());
  }
}
