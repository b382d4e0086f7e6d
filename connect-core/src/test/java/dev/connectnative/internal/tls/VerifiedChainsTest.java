package dev.connectnative.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Bounds, expiry and key of the verified-chain cache, with a ticker the test moves. */
class VerifiedChainsTest {
  private final Pki ca = Pki.create();
  private final AtomicLong nanos = new AtomicLong();
  private final Instant now = Instant.now();

  @Test
  void holdsAtMostItsMaximumSize() throws Exception {
    VerifiedChains chains = new VerifiedChains(2, Duration.ofMinutes(10), nanos::get);
    VerifiedChains.Digest trust =
        chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())));

    for (int i = 0; i < 6; i++) {
      Pki.Leaf leaf = ca.leaf("web");
      chains.store(key(chains, trust, leaf), verified(leaf));
    }

    assertThat(chains.size()).isEqualTo(2);
  }

  @Test
  void forgetsAChainNotLookedUpForTheExpiry() throws Exception {
    VerifiedChains chains = new VerifiedChains(10, Duration.ofMinutes(10), nanos::get);
    VerifiedChains.Digest trust =
        chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())));
    Pki.Leaf leaf = ca.leaf("web");
    VerifiedChains.Key key = key(chains, trust, leaf);
    chains.store(key, verified(leaf));

    advance(Duration.ofMinutes(9));
    assertThat(chains.lookup(key, leaf.certificate(), now)).isNotNull();
    advance(Duration.ofMinutes(9));
    assertThat(chains.lookup(key, leaf.certificate(), now)).isNotNull();
    advance(Duration.ofMinutes(11));

    assertThat(chains.lookup(key, leaf.certificate(), now)).isNull();
    assertThat(chains.size()).isZero();
  }

  @Test
  void aHitNeedsTheStoredLeafAndATimeInsideThePathsWindow() throws Exception {
    VerifiedChains chains = VerifiedChains.withDefaults();
    VerifiedChains.Digest trust =
        chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())));
    Pki.Leaf leaf = ca.leaf("web");
    VerifiedChains.Key key = key(chains, trust, leaf);
    VerifiedChains.Verified verified = verified(leaf);
    chains.store(key, verified);

    assertThat(chains.lookup(key, leaf.certificate(), now)).isSameAs(verified);
    assertThat(chains.lookup(key, ca.leaf("web").certificate(), now)).isNull();
    assertThat(chains.lookup(key, leaf.certificate(), verified.notAfter())).isSameAs(verified);
    assertThat(chains.lookup(key, leaf.certificate(), verified.notAfter().plusMillis(1))).isNull();
    assertThat(chains.lookup(key, leaf.certificate(), verified.notBefore())).isSameAs(verified);
    assertThat(chains.lookup(key, leaf.certificate(), verified.notBefore().minusMillis(1)))
        .isNull();
  }

  @Test
  void theWindowIsTheIntersectionOfThePath() throws Exception {
    Instant start = now.minus(Duration.ofHours(1));
    Pki.Leaf leaf = ca.leafBuilder("web").validity(start, start.plus(Duration.ofDays(3))).issue();
    X509Certificate root = ca.root();

    VerifiedChains.Verified verified =
        VerifiedChains.Verified.of(webId(), leaf.certificate(), List.of(leaf.certificate(), root));

    assertThat(root.getNotBefore()).isAfter(leaf.certificate().getNotBefore());
    assertThat(verified.notBefore()).isEqualTo(root.getNotBefore().toInstant());
    assertThat(verified.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(verified.id()).isEqualTo(webId());
  }

  @Test
  void keysDifferByRoleTrustMaterialAndEveryPresentedCertificate() throws Exception {
    VerifiedChains chains = VerifiedChains.withDefaults();
    TrustBundle bundle = TrustBundle.of(ca.trustDomain(), List.of(ca.root()));
    Pki other = Pki.create(ca.trustDomain(), "EC");
    VerifiedChains.Digest trust = chains.adopt(bundle);
    VerifiedChains.Digest moreRoots =
        chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root(), other.root())));
    VerifiedChains.Digest asIntermediate =
        chains.adopt(
            new TrustBundle(
                ca.trustDomain(), List.of(ca.root()), List.of(other.root()), ca.root()));
    X509Certificate leaf = ca.leaf("web").certificate();
    X509Certificate[] chain = {leaf};

    assertThat(chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())))).isEqualTo(trust);
    assertThat(List.of(trust, moreRoots, asIntermediate)).doesNotHaveDuplicates();
    assertThat(chains.key(PeerRole.CLIENT, trust, chain))
        .isEqualTo(chains.key(PeerRole.CLIENT, trust, chain.clone()))
        .isNotEqualTo(chains.key(PeerRole.SERVER, trust, chain))
        .isNotEqualTo(chains.key(PeerRole.CLIENT, moreRoots, chain))
        .isNotEqualTo(chains.key(PeerRole.CLIENT, trust, new X509Certificate[] {leaf, ca.root()}));
  }

  @Test
  void newTrustMaterialEmptiesTheCache() throws Exception {
    VerifiedChains chains = VerifiedChains.withDefaults();
    VerifiedChains.Digest trust =
        chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())));
    Pki.Leaf leaf = ca.leaf("web");
    chains.store(key(chains, trust, leaf), verified(leaf));

    chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(ca.root())));
    assertThat(chains.size()).isOne();
    chains.adopt(TrustBundle.of(ca.trustDomain(), List.of(Pki.create().root())));

    assertThat(chains.size()).isZero();
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  private static VerifiedChains.Key key(
      VerifiedChains chains, VerifiedChains.Digest trust, Pki.Leaf leaf) throws Exception {
    return chains.key(PeerRole.CLIENT, trust, leaf.chain().toArray(X509Certificate[]::new));
  }

  private VerifiedChains.Verified verified(Pki.Leaf leaf) throws Exception {
    return VerifiedChains.Verified.of(webId(), leaf.certificate(), leaf.chain());
  }

  private ServiceIdentity webId() {
    return ServiceIdentity.of(ca.trustDomain(), "dc1", "web");
  }
}
