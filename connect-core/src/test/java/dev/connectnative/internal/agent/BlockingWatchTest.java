package dev.connectnative.internal.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.connectnative.internal.agent.WireMockAgent.recorded;
import static dev.connectnative.internal.agent.WireMockAgent.recordedWithIndex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.connectnative.AgentException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockingWatchTest {
  private static final String ROOTS = "/v1/agent/connect/ca/roots";
  private static final Duration AWAIT = Duration.ofSeconds(5);

  private final WireMockAgent agent = new WireMockAgent();
  private final AgentClient client = agent.client();
  private final Recorder recorder = new Recorder();
  private BlockingWatch<CaRoots> watch;

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.close();
    }
    client.close();
    agent.close();
  }

  /** Collects what the watch reports. */
  static final class Recorder implements WatchListener<CaRoots> {
    final List<Indexed<CaRoots>> changes = new CopyOnWriteArrayList<>();
    final List<AgentException> errors = new CopyOnWriteArrayList<>();
    final List<Integer> recoveries = new CopyOnWriteArrayList<>();

    @Override
    public void onChange(CaRoots value, long index) {
      changes.add(new Indexed<>(value, index));
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      errors.add(error);
    }

    @Override
    public void onRecovered(int failures) {
      recoveries.add(failures);
    }
  }

  /** Random that always answers {@code 0}: no jitter, so retries come at the minimum interval. */
  private static final class ZeroRandom extends Random {
    private static final long serialVersionUID = 1L;

    @Override
    public double nextDouble() {
      return 0;
    }
  }

  private BlockingWatch.Builder<CaRoots> watchBuilder() {
    return watchBuilder(Duration.ofSeconds(1), Duration.ofMillis(10));
  }

  private BlockingWatch.Builder<CaRoots> watchBuilder(Duration maxWait, Duration minInterval) {
    return BlockingWatch.builder("roots", client::rootsCall)
        .listener(recorder)
        .maxWait(maxWait)
        .minInterval(minInterval)
        .backoffBase(Duration.ofMillis(20))
        .backoffCap(Duration.ofMillis(100))
        .permissionDeniedRetry(Duration.ofMillis(50))
        .random(new ZeroRandom());
  }

  private MappingBuilder roots() {
    return get(urlPathEqualTo(ROOTS));
  }

  private MappingBuilder rootsAt(long index) {
    return get(urlPathEqualTo(ROOTS)).withQueryParam("index", equalTo(Long.toString(index)));
  }

  private MappingBuilder rootsWithoutIndex() {
    return get(urlPathEqualTo(ROOTS)).withQueryParam("index", absent());
  }

  private void holdForever(long index) {
    agent.server.stubFor(
        rootsAt(index)
            .willReturn(recordedWithIndex("05-ca-roots.http", index).withFixedDelay(600_000)));
  }

  private List<String> requestedUrls() {
    return agent.server.getAllServeEvents().stream()
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
        .map(e -> e.getRequest().getUrl())
        .toList();
  }

  @Test
  void followsChangesAndReportsOnlyNewValues() {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    agent.server.stubFor(
        rootsAt(9)
            .inScenario("rotation")
            .willReturn(recorded("07-ca-roots-blocking-wait2s.http"))
            .willSetStateTo("rotated"));
    agent.server.stubFor(
        rootsAt(9)
            .inScenario("rotation")
            .whenScenarioStateIs("rotated")
            .willReturn(recordedWithIndex("40-ca-roots-after-rotation.http", 30)));
    holdForever(30);

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> recorder.changes.size() == 2);
    await().atMost(AWAIT).until(() -> requestedUrls().size() == 4);
    assertThat(recorder.changes.get(0).index()).isEqualTo(9);
    assertThat(recorder.changes.get(0).value().roots()).hasSize(1);
    assertThat(recorder.changes.get(1).index()).isEqualTo(30);
    assertThat(recorder.changes.get(1).value().roots()).hasSize(2);
    assertThat(requestedUrls())
        .containsExactly(
            ROOTS,
            ROOTS + "?index=9&wait=1000ms",
            ROOTS + "?index=9&wait=1000ms",
            ROOTS + "?index=30&wait=1000ms");
    assertThat(watch.state()).isEqualTo(BlockingWatch.State.OK);
    assertThat(watch.latest().orElseThrow().index()).isEqualTo(30);
  }

  @Test
  void indexGoingBackwardsResetsToZero() {
    agent.server.stubFor(
        rootsWithoutIndex()
            .inScenario("backwards")
            .willReturn(recordedWithIndex("05-ca-roots.http", 50))
            .willSetStateTo("reset"));
    agent.server.stubFor(rootsAt(50).willReturn(recordedWithIndex("05-ca-roots.http", 10)));
    agent.server.stubFor(
        rootsWithoutIndex()
            .inScenario("backwards")
            .whenScenarioStateIs("reset")
            .willReturn(recordedWithIndex("05-ca-roots.http", 10)));
    holdForever(10);

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> requestedUrls().size() == 4);
    assertThat(requestedUrls())
        .containsExactly(
            ROOTS, ROOTS + "?index=50&wait=1000ms", ROOTS, ROOTS + "?index=10&wait=1000ms");
    assertThat(recorder.changes).hasSize(1);
  }

  @Test
  void indexBelowOneIsTreatedAsOne() {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recordedWithIndex("05-ca-roots.http", 0)));
    holdForever(1);

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> requestedUrls().size() == 2);
    assertThat(requestedUrls()).containsExactly(ROOTS, ROOTS + "?index=1&wait=1000ms");
  }

  @Test
  void failuresBackOffThenRecover() {
    agent.server.stubFor(
        roots()
            .inScenario("flaky")
            .willReturn(aResponse().withStatus(500).withBody("No cluster leader"))
            .willSetStateTo("garbage"));
    agent.server.stubFor(
        roots()
            .inScenario("flaky")
            .whenScenarioStateIs("garbage")
            .willReturn(aResponse().withStatus(200).withBody("{not json"))
            .willSetStateTo("healthy"));
    agent.server.stubFor(
        rootsWithoutIndex()
            .inScenario("flaky")
            .whenScenarioStateIs("healthy")
            .willReturn(recorded("05-ca-roots.http")));
    holdForever(9);

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> recorder.changes.size() == 1);
    assertThat(recorder.errors).extracting(AgentException::status).containsExactly(500, 200);
    assertThat(recorder.errors.get(0).getMessage())
        .isEqualTo("no CA roots: agent answered 500 No cluster leader");
    assertThat(recorder.errors.get(1).getMessage()).contains("not valid JSON");
    assertThat(recorder.recoveries).containsExactly(2);
    assertThat(watch.state()).isEqualTo(BlockingWatch.State.OK);
    assertThat(watch.lastError()).isEmpty();
  }

  @Test
  void firstQueryAfterAFailureDoesNotBlock() {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    agent.server.stubFor(
        rootsAt(9)
            .inScenario("blip")
            .willReturn(aResponse().withStatus(500).withBody("rpc error"))
            .willSetStateTo("failed"));
    agent.server.stubFor(
        rootsAt(9)
            .inScenario("blip")
            .whenScenarioStateIs("failed")
            .willReturn(recorded("05-ca-roots.http").withFixedDelay(600_000)));

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> requestedUrls().size() == 4);
    assertThat(requestedUrls())
        .containsExactly(
            ROOTS, ROOTS + "?index=9&wait=1000ms", ROOTS, ROOTS + "?index=9&wait=1000ms");
    assertThat(recorder.recoveries).containsExactly(1);
  }

  @Test
  void connectionResetIsAFailureWithStatusZero() {
    agent.server.stubFor(roots().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> recorder.errors.size() >= 2);
    assertThat(recorder.errors).extracting(AgentException::status).containsOnly(0);
    assertThat(watch.state()).isEqualTo(BlockingWatch.State.FAILING);
    assertThat(watch.latest()).isEmpty();
  }

  @Test
  void permissionDeniedIsAVisibleStateAndKeepsBeingRetried() {
    agent.server.stubFor(roots().willReturn(recorded("acl-07-leaf-web-no-token.http")));

    watch = watchBuilder().build().start();

    await().atMost(AWAIT).until(() -> recorder.errors.size() >= 3);
    assertThat(watch.state()).isEqualTo(BlockingWatch.State.PERMISSION_DENIED);
    assertThat(watch.lastError().orElseThrow().isPermissionDenied()).isTrue();
    assertThat(watch.latest()).isEmpty();

    agent.server.resetMappings();
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    holdForever(9);
    await().atMost(AWAIT).until(() -> watch.state() == BlockingWatch.State.OK);
    assertThat(recorder.changes).hasSize(1);
  }

  @Test
  void slowAnswerBeyondTheReadTimeoutIsAFailure() {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    // maxWait 200 ms -> read timeout 200 + 12 + 300 ms; the agent holds for 3 s.
    agent.server.stubFor(rootsAt(9).willReturn(recorded("05-ca-roots.http").withFixedDelay(3_000)));

    watch = watchBuilder(Duration.ofMillis(200), Duration.ofMillis(10)).build().start();

    await().atMost(AWAIT).until(() -> !recorder.errors.isEmpty());
    AgentException error = recorder.errors.get(0);
    assertThat(error.status()).isZero();
    assertThat(error.getMessage())
        .startsWith("no CA roots: agent did not answer in time")
        .contains("read timeout 512 ms");
    assertThat(watch.latest()).isPresent();
  }

  @Test
  void closeCancelsATenMinuteBlockingCallPromptly() throws InterruptedException {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    agent.server.stubFor(
        rootsAt(9).willReturn(recorded("05-ca-roots.http").withFixedDelay(600_000)));
    watch =
        BlockingWatch.builder("roots-close", client::rootsCall)
            .listener(recorder)
            .maxWait(Duration.ofMinutes(10))
            .build()
            .start();
    await().atMost(AWAIT).until(() -> recorder.changes.size() == 1);
    await().atMost(AWAIT).until(() -> client.httpClient().dispatcher().runningCallsCount() == 1);
    assertThat(threadNamed("connect-watch-roots-close")).isTrue();

    long start = System.nanoTime();
    watch.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(1));
    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> client.httpClient().dispatcher().runningCallsCount() == 0);
    await().atMost(Duration.ofSeconds(1)).until(() -> !threadNamed("connect-watch-roots-close"));
    assertThat(watch.state()).isEqualTo(BlockingWatch.State.CLOSED);
    watch.close();
    assertThat(recorder.errors).isEmpty();
  }

  @Test
  void refreshAbandonsTheInFlightQueryAndAsksAgainAtOnce() {
    agent.server.stubFor(rootsWithoutIndex().willReturn(recorded("05-ca-roots.http")));
    holdForever(9);
    watch = watchBuilder(Duration.ofSeconds(1), Duration.ofSeconds(30)).build().start();
    await().atMost(AWAIT).until(() -> recorder.changes.size() == 1);
    // the second query waits for the 30 s minimum interval; refresh does not
    watch.refresh();

    await().atMost(AWAIT).until(() -> requestedUrls().size() == 2);
    assertThat(requestedUrls().get(1)).isEqualTo(ROOTS + "?index=9&wait=1000ms");
    watch.refresh();
    await().atMost(AWAIT).until(() -> requestedUrls().size() == 3);
    await().atMost(AWAIT).until(() -> client.httpClient().dispatcher().runningCallsCount() == 1);
  }

  @Test
  void minimumIntervalSpacesQueriesWhenTheAgentDoesNotBlock() {
    // An agent that ignores ?index answers at once every time.
    agent.server.stubFor(roots().willReturn(recorded("05-ca-roots.http")));
    List<Long> starts = new CopyOnWriteArrayList<>();

    watch =
        BlockingWatch.<CaRoots>builder(
                "roots-spaced",
                options -> {
                  starts.add(System.nanoTime());
                  return client.rootsCall(options);
                })
            .listener(recorder)
            .minInterval(Duration.ofMillis(150))
            .build()
            .start();

    await().atMost(AWAIT).until(() -> starts.size() >= 4);
    watch.close();
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(148));
    }
    assertThat(recorder.changes).hasSize(1);
  }

  @Test
  void fullJitterBackoffDoublesUpToTheCap() {
    Random top =
        new Random() {
          private static final long serialVersionUID = 1L;

          @Override
          public double nextDouble() {
            return 0.999_999;
          }
        };
    Duration base = Duration.ofSeconds(1);
    Duration cap = Duration.ofSeconds(30);

    assertThat(BlockingWatch.fullJitter(1, base, cap, top)).isEqualTo(1000);
    assertThat(BlockingWatch.fullJitter(2, base, cap, top)).isEqualTo(2000);
    assertThat(BlockingWatch.fullJitter(5, base, cap, top)).isEqualTo(16000);
    assertThat(BlockingWatch.fullJitter(6, base, cap, top)).isEqualTo(30000);
    assertThat(BlockingWatch.fullJitter(60, base, cap, top)).isEqualTo(30000);
    assertThat(BlockingWatch.fullJitter(60, base, cap, new ZeroRandom())).isZero();
    Random real = new Random(42);
    for (int i = 0; i < 1000; i++) {
      assertThat(BlockingWatch.fullJitter(4, base, cap, real)).isBetween(0L, 8000L);
    }
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
  }
}
