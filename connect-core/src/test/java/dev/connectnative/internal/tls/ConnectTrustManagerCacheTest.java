package dev.connectnative.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * The cache of verified chains inside {@link ConnectTrustManager}: PKIX runs once per chain and
 * trust material (counted through the {@link PathBuilder} seam), and every other decision is taken
 * again on each check, at the injected clock's time.
 */
class ConnectTrustManagerCacheTest {
  private final Pki ca = Pki.create();
  private final SettableClock clock = new SettableClock(Instant.now());
  private final AtomicInteger builds = new AtomicInteger();
  private final PathBuilder counting =
      params -> {
        builds.incrementAndGet();
        return PathBuilder.PKIX.build(params);
      };
  private final StaticIdentitySource source = source(ca.trustDomain(), List.of(ca.root()));
  private final VerifiedChains chains = VerifiedChains.withDefaults();
  private final ConnectTrustManager manager =
      new ConnectTrustManager(source, TrustDomainPolicy.OWN_TRUST_DOMAIN, clock, counting, chains);

  @Test
  void theSameChainIsValidatedOnceAndAcceptedAgainFromTheCache() throws Exception {
    X509Certificate[] web = chain(ca.leaf("web"));

    for (int i = 0; i < 5; i++) {
      manager.checkClientTrusted(web, "EC");
    }

    assertThat(builds).hasValue(1);
    assertThat(chains.size()).isOne();
  }

  @Test
  void aDifferentChainWithTheSameLeafSubjectAndIdentityIsValidatedAfresh() throws Exception {
    Pki.Leaf first = ca.leaf("web");
    Pki.Leaf second = ca.leaf("web");
    Pki.Leaf forged = Pki.create(ca.trustDomain(), "EC").leaf("web");
    assertThat(second.certificate().getSubjectX500Principal())
        .isEqualTo(first.certificate().getSubjectX500Principal());
    manager.checkClientTrusted(chain(first), "EC");

    manager.checkClientTrusted(chain(second), "EC");
    assertThat(builds).hasValue(2);

    X509Certificate[] padded = {first.certificate(), ca.root()};
    manager.checkClientTrusted(padded, "EC");
    assertThat(builds).hasValue(3);

    assertThatThrownBy(() -> manager.checkClientTrusted(chain(forged), "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not chain to any of our 1 trusted root(s)");
    assertThat(builds).hasValue(4);
    assertThat(chains.size()).isEqualTo(3);
  }

  @Test
  void aLeafThatExpiresBetweenTwoChecksIsRefusedAsOnAMiss() throws Exception {
    Instant notAfter = clock.instant().plus(Duration.ofHours(1));
    Pki.Leaf leaf =
        ca.leafBuilder("web")
            .validity(clock.instant().minus(Duration.ofHours(1)), notAfter)
            .issue();
    manager.checkClientTrusted(chain(leaf), "EC");

    clock.set(notAfter.plusSeconds(1));

    String onAMiss = refusal(uncounted(source, TrustDomainPolicy.OWN_TRUST_DOMAIN), chain(leaf));
    assertThat(onAMiss)
        .contains("expired at " + notAfter.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(refusal(manager, chain(leaf))).isEqualTo(onAMiss);
    assertThat(chains.size()).isZero();
  }

  @Test
  void aLeafNotYetValidIsRefusedUntilItsTimeEvenWhenCachedUnderAnotherClock() throws Exception {
    Instant notBefore = clock.instant().plus(Duration.ofHours(1));
    Pki.Leaf leaf =
        ca.leafBuilder("web").validity(notBefore, notBefore.plus(Duration.ofHours(72))).issue();
    clock.set(notBefore.plusSeconds(1));
    manager.checkClientTrusted(chain(leaf), "EC");

    clock.set(notBefore.minusSeconds(60));

    assertThat(refusal(manager, chain(leaf))).contains("is not valid before");
    assertThat(builds).hasValue(1);
  }

  @Test
  void anIntermediateThatExpiresBeforeTheLeafEndsTheCachedPath() throws Exception {
    TestCa oldCa =
        TestCa.builder()
            .clock(Clock.fixed(clock.instant().minus(Duration.ofDays(6)), ZoneOffset.UTC))
            .build();
    TestCa newCa = TestCa.builder().clusterId(oldCa.clusterId()).build();
    X509Certificate cross = oldCa.crossSign(newCa);
    IssuedLeaf leaf = newCa.leaf("web");
    assertThat(cross.getNotAfter()).isBefore(leaf.certificate().getNotAfter());
    StaticIdentitySource onOldRoot = source(oldCa.trustDomain(), List.of(oldCa.rootCertificate()));
    ConnectTrustManager old =
        new ConnectTrustManager(
            onOldRoot, TrustDomainPolicy.OWN_TRUST_DOMAIN, clock, counting, chains);
    X509Certificate[] chain = {leaf.certificate(), cross};
    old.checkClientTrusted(chain, "EC");
    old.checkClientTrusted(chain, "EC");
    assertThat(builds).hasValue(1);

    clock.set(cross.getNotAfter().toInstant().plusSeconds(1));

    String onAMiss = refusal(uncounted(onOldRoot, TrustDomainPolicy.OWN_TRUST_DOMAIN), chain);
    assertThat(onAMiss).contains("does not chain to any of our 1 trusted root(s)");
    assertThat(refusal(old, chain)).isEqualTo(onAMiss);
    assertThat(builds).hasValue(2);
  }

  @Test
  void newTrustMaterialInvalidatesEveryCachedChain() throws Exception {
    X509Certificate[] web = chain(ca.leaf("web"));
    manager.checkClientTrusted(web, "EC");
    Pki other = Pki.create(ca.trustDomain(), "EC");

    trust(List.of(other.root()));
    assertThat(refusal(manager, web)).contains("does not chain to any of our 1 trusted root(s)");
    assertThat(chains.size()).isZero();

    trust(List.of(other.root(), ca.root()));
    manager.checkClientTrusted(web, "EC");
    manager.checkClientTrusted(web, "EC");

    assertThat(builds).hasValue(3);
  }

  @Test
  void anEqualTrustBundleInANewSnapshotKeepsTheCache() throws Exception {
    X509Certificate[] web = chain(ca.leaf("web"));
    manager.checkClientTrusted(web, "EC");

    trust(List.of(ca.root()));
    manager.checkClientTrusted(web, "EC");

    assertThat(builds).hasValue(1);
  }

  @Test
  void theExpectedServiceIsCheckedOnEveryHit() throws Exception {
    Pki.Leaf echo = ca.leaf("echo");
    ServiceIdentity echoId = ServiceIdentity.of(ca.trustDomain(), "dc1", "echo");
    manager.checkServerTrusted(chain(echo), "EC", engineExpecting(echoId));

    SSLEngine toDb = engineExpecting(ServiceIdentity.of(ca.trustDomain(), "dc1", "db"));
    assertThatThrownBy(() -> manager.checkServerTrusted(chain(echo), "EC", toDb))
        .isInstanceOf(CertificateException.class)
        .hasMessage(
            "server presented "
                + echoId
                + " but this connection expects "
                + ServiceIdentity.of(ca.trustDomain(), "dc1", "db"));
    assertThatThrownBy(() -> manager.checkServerTrusted(chain(echo), "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("no expected service identity is registered");
    assertThat(builds).hasValue(1);
  }

  @Test
  void theTrustDomainPolicyIsAppliedOnEveryHit() throws Exception {
    Pki foreign = Pki.create(java.util.UUID.randomUUID() + ".consul", "EC");
    trust(List.of(ca.root(), foreign.root()));
    X509Certificate[] stranger = chain(foreign.leaf("web"));

    String first = refusal(manager, stranger);
    String second = refusal(manager, stranger);

    assertThat(first)
        .contains("from trust domain " + foreign.trustDomain())
        .contains("accepts only " + ca.trustDomain());
    assertThat(second).isEqualTo(first);
    assertThat(builds).hasValue(1);
    ConnectTrustManager permissive = uncounted(source, TrustDomainPolicy.ANY_TRUST_DOMAIN_IN_ROOTS);
    assertThatCode(() -> permissive.checkClientTrusted(stranger, "EC")).doesNotThrowAnyException();
  }

  @Test
  void theClientAuthorizerDecidesOnEveryHit() throws Exception {
    X509Certificate[] web = chain(ca.leaf("web"));
    List<ServiceIdentity> asked = new ArrayList<>();
    manager.clientAuthorizer(
        (client, leaf, handle) -> {
          asked.add(client);
          if (asked.size() == 3) {
            throw new CertificateException("client " + client + " is no longer allowed");
          }
        });

    manager.checkClientTrusted(web, "EC");
    manager.checkClientTrusted(web, "EC");
    assertThatThrownBy(() -> manager.checkClientTrusted(web, "EC"))
        .hasMessageEndingWith("is no longer allowed");

    assertThat(asked).hasSize(3);
    assertThat(builds).hasValue(1);
  }

  @Test
  void theRoleIsPartOfTheKey() throws Exception {
    X509Certificate[] clientOnly =
        chain(ca.leafBuilder("web").usages(List.of(KeyPurposeId.id_kp_clientAuth)).issue());
    manager.checkClientTrusted(clientOnly, "EC");

    assertThatThrownBy(
            () ->
                manager.checkServerTrusted(
                    clientOnly,
                    "EC",
                    engineExpecting(ServiceIdentity.of(ca.trustDomain(), "dc1", "web"))))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("does not allow TLS Web Server Authentication");
  }

  @Test
  void refusedChainsAreNotCached() throws Exception {
    Pki stranger = Pki.create(ca.trustDomain(), "EC");
    for (int i = 0; i < 20; i++) {
      X509Certificate[] garbage = chain(stranger.leaf("web" + i));
      assertThatThrownBy(() -> manager.checkClientTrusted(garbage, "EC"))
          .isInstanceOf(CertificateException.class);
    }
    X509Certificate[] caLeaf = chain(ca.leafBuilder("web").certificateAuthority(true).issue());
    assertThatThrownBy(() -> manager.checkClientTrusted(caLeaf, "EC"))
        .hasMessageContaining("as its leaf");

    assertThat(chains.size()).isZero();
    assertThat(builds).hasValue(20);
  }

  /** A manager with its own cache and the real path builder, as the library builds it. */
  private ConnectTrustManager uncounted(StaticIdentitySource from, TrustDomainPolicy policy) {
    return new ConnectTrustManager(from, policy, clock);
  }

  private void trust(List<X509Certificate> roots) {
    IdentitySnapshot now = source.current().orElseThrow();
    source.update(TrustBundle.of(ca.trustDomain(), roots), now.leaf());
  }

  private static StaticIdentitySource source(String trustDomain, List<X509Certificate> roots) {
    Pki own = Pki.create(trustDomain, "EC");
    Pki.Leaf self = own.leaf("self");
    return StaticIdentitySource.of(
        new IdentitySnapshot(
            TrustBundle.of(trustDomain, roots), LeafCertificate.of(self.chain(), self.key()), 1));
  }

  private static String refusal(ConnectTrustManager tm, X509Certificate[] chain) {
    try {
      tm.checkClientTrusted(chain, "EC");
    } catch (CertificateException e) {
      return e.getMessage();
    }
    throw new AssertionError("the chain was accepted");
  }

  private static X509Certificate[] chain(Pki.Leaf leaf) {
    return leaf.chain().toArray(X509Certificate[]::new);
  }

  private static SSLEngine engineExpecting(ServiceIdentity id) throws Exception {
    SSLEngine engine = SSLContext.getDefault().createSSLEngine();
    ExpectedPeers.expect(engine, id);
    return engine;
  }

  /** A clock the test moves. */
  static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant value) {
      now = value;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test clock stays in UTC");
    }
  }
}
