package dev.connectnative.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.testkit.DevAgent;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent-backed identity source against the in-process dev agent: real blocking queries. */
class AgentIdentitySourceDevAgentTest {
  /** Long enough that an early answer proves the blocking query returned on change. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final Duration QUICK = Duration.ofSeconds(10);

  private DevAgent agent;
  private AgentClient client;
  private AgentIdentitySource source;
  private final List<IdentitySnapshot> published = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private AgentIdentitySource start(DevAgent.Builder builder, String token) {
    agent = builder.start();
    AgentConfig.Builder config = AgentConfig.builder().address(agent.address());
    if (token != null) {
      config.token(token);
    }
    client = AgentClient.create(config.build());
    source =
        AgentIdentitySource.builder(client, "web")
            .maxWait(WAIT)
            .minInterval(Duration.ofMillis(10))
            .backoffBase(Duration.ofMillis(20))
            .backoffCap(Duration.ofMillis(200))
            .permissionDeniedRetry(Duration.ofMillis(100))
            .start();
    source.addListener((previous, current) -> published.add(current));
    return source;
  }

  private IdentitySnapshot ready() {
    await().atMost(QUICK).until(() -> source.status().ready());
    return source.current().orElseThrow();
  }

  @Test
  void becomesReadyWithTheAgentsTrustDomainAndLeaf() {
    start(DevAgent.builder().leafRenewJitter(Duration.ZERO), null);

    IdentitySnapshot snapshot = ready();

    assertThat(snapshot.trust().trustDomain()).isEqualTo(agent.trustDomain());
    assertThat(snapshot.leaf().id().service()).isEqualTo("web");
    assertThat(snapshot.leaf().id().toString()).isEqualTo(agent.serviceUri("web"));
    assertThat(snapshot.trust().activeRoot()).isEqualTo(agent.activeCa().rootCertificate());
    assertThat(source.status().lastError()).isEmpty();
  }

  @Test
  void leafRotationArrivesThroughTheBlockingQuery() {
    start(DevAgent.builder().leafRenewJitter(Duration.ZERO), null);
    IdentitySnapshot first = ready();
    await().atMost(QUICK).until(() -> blockingLeafQueries() >= 1);

    long start = System.nanoTime();
    agent.renewLeaf("web");

    await()
        .atMost(QUICK)
        .until(
            () ->
                !source
                    .current()
                    .orElseThrow()
                    .leaf()
                    .serialNumber()
                    .equals(first.leaf().serialNumber()));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
    IdentitySnapshot second = source.current().orElseThrow();
    assertThat(second.revision()).isGreaterThan(first.revision());
    assertThat(second.trust()).isEqualTo(first.trust());
    assertThat(published).last().isEqualTo(second);
  }

  @Test
  void caRotationBringsBothRootsAndALeafFromTheNewRoot() throws Exception {
    start(DevAgent.builder().leafRenewJitter(Duration.ZERO), null);
    IdentitySnapshot before = ready();

    agent.rotateCa();

    await()
        .atMost(QUICK)
        .until(
            () -> {
              IdentitySnapshot s = source.current().orElseThrow();
              return s.trust().roots().size() == 2
                  && !AgentIdentitySource.authorityKeyId(s.leaf().certificate())
                      .equals(AgentIdentitySource.authorityKeyId(before.leaf().certificate()));
            });
    IdentitySnapshot after = source.current().orElseThrow();
    X509Certificate newRoot = after.trust().activeRoot();
    assertThat(newRoot).isNotEqualTo(before.trust().activeRoot());
    assertThat(after.trust().roots()).contains(before.trust().activeRoot(), newRoot);
    assertThat(after.trust().intermediates()).hasSize(1);
    // the new leaf chains to the new root, and to the old root through the cross-signed cert
    validate(after.leaf().certificate(), newRoot, List.of());
    validate(
        after.leaf().certificate(), before.trust().activeRoot(), after.trust().intermediates());
    assertThat(after.revision()).isGreaterThan(before.revision());
  }

  @Test
  void agentRestartIsReportedThenRecovered() {
    start(DevAgent.builder().leafRenewJitter(Duration.ZERO), null);
    IdentitySnapshot before = ready();

    agent.stop();
    await().atMost(QUICK).until(() -> source.status().lastError().isPresent());
    assertThat(source.status().lastError().get())
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero());
    assertThat(source.current()).contains(before);

    agent.restart();
    await().atMost(QUICK).until(() -> source.status().lastError().isEmpty());
    assertThat(source.leafState()).isEqualTo(BlockingWatch.State.OK);
    assertThat(source.rootsState()).isEqualTo(BlockingWatch.State.OK);
    assertThat(source.current().orElseThrow().leaf()).isEqualTo(before.leaf());
  }

  @Test
  void leafWithoutPermissionIsReportedWhileRootsArrive() {
    start(DevAgent.builder().aclMasterToken("c0ffee00-0000-4000-8000-000000000001"), null);

    await().atMost(QUICK).until(() -> source.leafState() == BlockingWatch.State.PERMISSION_DENIED);
    await().atMost(QUICK).until(() -> source.status().hasRoots());
    assertThat(source.status().ready()).isFalse();
    assertThat(source.status().missing()).containsExactly("leaf certificate");
    assertThat(source.status().lastError().orElseThrow())
        .hasMessageStartingWith("no leaf certificate for service \"web\": agent answered 403");
  }

  @Test
  void serviceTokenGetsTheLeaf() {
    agent = DevAgent.builder().aclMasterToken("c0ffee00-0000-4000-8000-000000000001").start();
    String token = agent.createServiceToken("web");
    client =
        AgentClient.create(AgentConfig.builder().address(agent.address()).token(token).build());
    source = AgentIdentitySource.builder(client, "web").minInterval(Duration.ofMillis(10)).start();

    IdentitySnapshot snapshot = ready();

    assertThat(snapshot.leaf().id().service()).isEqualTo("web");
    assertThat(source.status().lastError()).isEqualTo(Optional.empty());
  }

  private long blockingLeafQueries() {
    return agent.requests().stream()
        .filter(r -> r.path().equals("/v1/agent/connect/ca/leaf/web"))
        .filter(r -> r.query().contains("index="))
        .count();
  }

  private static void validate(
      X509Certificate leaf, X509Certificate anchor, List<X509Certificate> intermediates)
      throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    path.addAll(intermediates);
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), params);
  }
}
