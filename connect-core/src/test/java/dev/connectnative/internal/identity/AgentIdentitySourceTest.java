package dev.connectnative.internal.identity;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.connectnative.AgentException;
import dev.connectnative.ConnectException;
import dev.connectnative.IdentityListener;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.internal.agent.AgentTestSupport;
import dev.connectnative.internal.agent.BlockingWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent-backed identity source against recorded agent answers served by WireMock. */
class AgentIdentitySourceTest {
  private static final String ROOTS = "/v1/agent/connect/ca/roots";
  private static final String LEAF = "/v1/agent/connect/ca/leaf/web";
  private static final Duration AWAIT = Duration.ofSeconds(5);

  /** Shortly after the recordings were made; leaf 08 is valid until 2026-11-24T09:29:40Z. */
  private static final Clock RECORDING_TIME =
      Clock.fixed(Instant.parse("2026-11-21T09:31:00Z"), ZoneOffset.UTC);

  private final AgentTestSupport agent = new AgentTestSupport();
  private final List<String> changes = new CopyOnWriteArrayList<>();
  private AgentIdentitySource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    agent.close();
  }

  private AgentIdentitySource start(Clock clock) {
    source =
        AgentIdentitySource.builder(agent.client(), "web")
            .clock(clock)
            .maxWait(Duration.ofMillis(500))
            .minInterval(Duration.ofMillis(10))
            .backoffBase(Duration.ofMillis(20))
            .backoffCap(Duration.ofMillis(100))
            .permissionDeniedRetry(Duration.ofMillis(50))
            .staleLeafRetry(Duration.ofMillis(200))
            .start();
    source.addListener(
        (previous, current) ->
            changes.add(
                previous.map(p -> p.revision() + ":" + p.leaf().serialNumber()).orElse("none")
                    + "->"
                    + current.revision()
                    + ":"
                    + current.leaf().serialNumber()));
    return source;
  }

  private static MappingBuilder at(String path, long index) {
    return get(urlPathEqualTo(path)).withQueryParam("index", equalTo(Long.toString(index)));
  }

  private static MappingBuilder first(String path) {
    return get(urlPathEqualTo(path)).withQueryParam("index", absent());
  }

  private void hold(String path, long index) {
    agent.stub(at(path, index).willReturn(aResponse().withStatus(200).withFixedDelay(600_000)));
  }

  /** Roots 05 that answer "no change" after a short blocking wait, forever. */
  private void stableRoots() {
    agent.stub(first(ROOTS).willReturn(AgentTestSupport.recorded("05-ca-roots.http")));
    agent.stub(
        at(ROOTS, 9).willReturn(AgentTestSupport.recorded("05-ca-roots.http").withFixedDelay(100)));
  }

  @Test
  void becomesReadyFromRecordedRootsAndLeaf() {
    stableRoots();
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    hold(LEAF, 17);

    start(RECORDING_TIME);

    await().atMost(AWAIT).until(() -> source.status().ready());
    IdentitySnapshot snapshot = source.current().orElseThrow();
    assertThat(snapshot.revision()).isZero();
    assertThat(snapshot.trust().trustDomain())
        .isEqualTo("3779268c-d290-379c-fa43-991e61fd2ae8.consul");
    assertThat(snapshot.trust().roots()).hasSize(1);
    assertThat(snapshot.leaf().serialNumber()).isEqualTo("08");
    assertThat(snapshot.leaf().id().service()).isEqualTo("web");
    assertThat(source.status().lastError()).isEmpty();
    assertThat(changes).containsExactly("none->0:08");
    assertThat(AgentIdentitySource.authorityKeyId(snapshot.leaf().certificate()))
        .contains(
            "b1:bb:d5:7c:e7:26:0f:3e:66:57:80:84:10:0a:93:81:a4:85:48:f9:0c:9c:87:03:85:9e:2d:38:56:52:d5:b6");
  }

  @Test
  void staleLeafAfterRotationIsFetchedAgainInsteadOfWaitedFor() {
    // Roots: 05 until the test flips the scenario, then 40 (rotated, new active root).
    agent.stub(
        first(ROOTS).inScenario("ca").willReturn(AgentTestSupport.recorded("05-ca-roots.http")));
    agent.stub(
        at(ROOTS, 9)
            .inScenario("ca")
            .willReturn(AgentTestSupport.recorded("05-ca-roots.http").withFixedDelay(100)));
    agent.stub(
        at(ROOTS, 9)
            .inScenario("ca")
            .whenScenarioStateIs("rotated")
            .willReturn(AgentTestSupport.recorded("40-ca-roots-after-rotation.http")));
    agent.stub(
        at(ROOTS, 30)
            .willReturn(
                AgentTestSupport.recorded("40-ca-roots-after-rotation.http").withFixedDelay(100)));
    // Leaf: the first blocking query is stuck on the agent side (Consul 1.10.4's 10-minute
    // in-flight fetch, recordings 56/58/61); a fresh query gets the renewed leaf 0c.
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    agent.stub(
        at(LEAF, 17)
            .inScenario("leaf")
            .willReturn(aResponse().withStatus(200).withFixedDelay(600_000))
            .willSetStateTo("renewed"));
    agent.stub(
        at(LEAF, 17)
            .inScenario("leaf")
            .whenScenarioStateIs("renewed")
            .willReturn(AgentTestSupport.recorded("42-leaf-web-after-rotation.http")));
    hold(LEAF, 34);
    start(RECORDING_TIME);
    await().atMost(AWAIT).until(() -> source.status().ready());
    await().atMost(AWAIT).until(() -> agent.count(at(LEAF, 17)) == 1);

    agent.server().setScenarioState("ca", "rotated");

    await()
        .atMost(AWAIT)
        .until(() -> "0c".equals(source.current().orElseThrow().leaf().serialNumber()));
    IdentitySnapshot healed = source.current().orElseThrow();
    assertThat(healed.trust().roots()).hasSize(2);
    assertThat(healed.trust().intermediates()).hasSize(1);
    assertThat(AgentIdentitySource.authorityKeyId(healed.leaf().certificate()))
        .isNotEqualTo(AgentIdentitySource.authorityKeyId(healed.trust().roots().get(0)));
    assertThat(changes).containsExactly("none->0:08", "0:08->1:08", "1:08->2:0c");
    assertThat(agent.count(at(LEAF, 17))).isEqualTo(2);
  }

  @Test
  void unusableLeafKeepsThePreviousSnapshotAndIsReported() throws Exception {
    stableRoots();
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    // Next leaf: web's certificate with echo's key.
    ObjectMapper json = new ObjectMapper();
    ObjectNode web = (ObjectNode) json.readTree(AgentTestSupport.body("08-leaf-web.http"));
    String echoKey =
        json.readTree(AgentTestSupport.body("09-leaf-echo.http")).get("PrivateKeyPEM").asText();
    web.put("PrivateKeyPEM", echoKey).put("ModifyIndex", 18);
    agent.stub(
        at(LEAF, 17)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("X-Consul-Index", "18")
                    .withBody(json.writeValueAsString(web))));
    hold(LEAF, 18);

    start(RECORDING_TIME);

    await().atMost(AWAIT).until(() -> source.status().lastError().isPresent());
    assertThat(source.status().lastError().get())
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageContaining("does not match");
    assertThat(source.status().ready()).isTrue();
    assertThat(source.current().orElseThrow().revision()).isZero();
    assertThat(source.current().orElseThrow().leaf().serialNumber()).isEqualTo("08");
  }

  @Test
  void rootsWithoutActiveRootAreRejected() {
    String body =
        AgentTestSupport.body("05-ca-roots.http")
            .replace("\"ActiveRootID\": \"3d:91", "\"ActiveRootID\": \"00:00");
    agent.stub(
        get(urlPathEqualTo(ROOTS))
            .willReturn(
                aResponse().withStatus(200).withHeader("X-Consul-Index", "9").withBody(body)));
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    hold(LEAF, 17);

    start(RECORDING_TIME);

    await()
        .atMost(AWAIT)
        .until(() -> source.status().hasLeaf() && source.status().lastError().isPresent());
    assertThat(source.status().hasRoots()).isFalse();
    assertThat(source.status().missing()).containsExactly("trust roots");
    assertThat(source.status().lastError().get())
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageStartingWith("no active root: ActiveRootID \"00:00");
    assertThat(source.current()).isEmpty();
  }

  @Test
  void leafPermissionDeniedIsReportedAndRetried() {
    stableRoots();
    agent.stub(
        get(urlPathEqualTo(LEAF))
            .willReturn(AgentTestSupport.recorded("acl-07-leaf-web-no-token.http")));

    start(RECORDING_TIME);

    await().atMost(AWAIT).until(() -> agent.count(get(urlPathEqualTo(LEAF))) >= 3);
    assertThat(source.status().hasRoots()).isTrue();
    assertThat(source.status().missing()).containsExactly("leaf certificate");
    assertThat(source.status().lastError().orElseThrow())
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.isPermissionDenied()).isTrue())
        .hasMessage(
            "no leaf certificate for service \"web\": agent answered 403 Permission denied");
    assertThat(source.leafState()).isEqualTo(BlockingWatch.State.PERMISSION_DENIED);
    assertThat(source.rootsState()).isEqualTo(BlockingWatch.State.OK);
  }

  @Test
  void failuresArePushedOncePerKindAndRecoveryFollows() {
    stableRoots();
    StubMapping denied =
        agent
            .server()
            .stubFor(
                get(urlPathEqualTo(LEAF))
                    .atPriority(1)
                    .willReturn(AgentTestSupport.recorded("acl-07-leaf-web-no-token.http")));
    agent.stub(first(LEAF).atPriority(5).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    hold(LEAF, 17);
    List<String> events = new CopyOnWriteArrayList<>();
    IdentityListener recorder = events(events);

    start(RECORDING_TIME).addListener(recorder);

    await().atMost(AWAIT).until(() -> agent.count(get(urlPathEqualTo(LEAF))) >= 4);
    assertThat(events)
        .as("retries of the same 403 are not reported again")
        .containsExactly(
            "error: no leaf certificate for service \"web\": agent answered 403 Permission"
                + " denied");

    StubMapping failing =
        agent
            .server()
            .stubFor(
                get(urlPathEqualTo(LEAF))
                    .atPriority(0)
                    .willReturn(aResponse().withStatus(500).withBody("rpc error: no leader")));
    agent.server().removeStub(denied);
    await().atMost(AWAIT).until(() -> events.size() == 2);
    assertThat(events.get(1)).startsWith("error: ").contains("500", "rpc error: no leader");

    List<String> late = new CopyOnWriteArrayList<>();
    source.addListener(events(late));
    assertThat(late).as("told at once while failing").containsExactly(events.get(1));

    agent.server().removeStub(failing);
    await().atMost(AWAIT).until(() -> events.contains("recovered"));
    assertThat(events).hasSize(3).endsWith("recovered");
    assertThat(late).endsWith("recovered");
    assertThat(source.status().ready()).isTrue();
    assertThat(source.status().lastError()).isEmpty();
  }

  private static IdentityListener events(List<String> events) {
    return new IdentityListener() {
      @Override
      public void onIdentityChanged(Optional<IdentitySnapshot> previous, IdentitySnapshot current) {
        // only failures and recoveries are recorded here
      }

      @Override
      public void onError(ConnectException error) {
        events.add("error: " + error.getMessage());
      }

      @Override
      public void onRecovered() {
        events.add("recovered");
      }
    };
  }

  @Test
  void leafNearExpiryThatTheAgentKeepsServingIsAskedForAgain() {
    stableRoots();
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    hold(LEAF, 17);
    // One hour before leaf 08 expires: inside the last tenth of its 72 h lifetime.
    start(Clock.fixed(Instant.parse("2026-11-24T08:29:40Z"), ZoneOffset.UTC));

    await().atMost(AWAIT).until(() -> agent.count(at(LEAF, 17)) >= 3);
    assertThat(source.current().orElseThrow().leaf().serialNumber()).isEqualTo("08");
    agent.server().verify(getRequestedFor(urlPathEqualTo(LEAF)).withQueryParam("index", absent()));
  }

  @Test
  void closeStopsEverything() {
    stableRoots();
    agent.stub(first(LEAF).willReturn(AgentTestSupport.recorded("08-leaf-web.http")));
    hold(LEAF, 17);
    start(RECORDING_TIME);
    await().atMost(AWAIT).until(() -> source.status().ready());

    source.close();
    source.close();

    assertThat(source.leafState()).isEqualTo(BlockingWatch.State.CLOSED);
    assertThat(source.rootsState()).isEqualTo(BlockingWatch.State.CLOSED);
    await()
        .atMost(Duration.ofSeconds(1))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("connect-web-identity")));
    assertThat(source.current()).map(IdentitySnapshot::revision).isEqualTo(Optional.of(0L));
  }
}
