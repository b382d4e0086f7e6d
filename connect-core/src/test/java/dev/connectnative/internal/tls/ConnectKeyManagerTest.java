package dev.connectnative.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustBundle;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectKeyManagerTest {
  private final Pki ca = Pki.create();
  private final TrustBundle trust = TrustBundle.of(ca.trustDomain(), List.of(ca.root()));

  @Test
  void aliasFollowsTheRevisionAndThePreviousLeafLivesForOneRotation() {
    Pki.Leaf first = ca.leaf("web");
    Pki.Leaf second = ca.leaf("web");
    Pki.Leaf third = ca.leaf("web");
    StaticIdentitySource source = StaticIdentitySource.of(snapshot(first, 5));
    ConnectKeyManager km = new ConnectKeyManager(source);

    assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo("leaf-5");
    assertThat(km.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null))
        .isEqualTo("leaf-5");
    assertThat(km.chooseServerAlias("RSA", null, null)).isNull();
    assertThat(km.chooseServerAlias("EC_EC", null, null)).isEqualTo("leaf-5");

    source.update(snapshot(second, 6));
    assertThat(km.chooseEngineServerAlias("EC", null, null)).isEqualTo("leaf-6");
    assertThat(km.getPrivateKey("leaf-6")).isEqualTo(second.key());
    assertThat(km.getCertificateChain("leaf-6")).containsExactly(second.certificate());
    assertThat(km.getPrivateKey("leaf-5")).isEqualTo(first.key());
    assertThat(km.getCertificateChain("leaf-5")).containsExactly(first.certificate());

    source.update(snapshot(third, 7));
    assertThat(km.getServerAliases("EC", null)).containsExactly("leaf-7");
    assertThat(km.getPrivateKey("leaf-6")).isEqualTo(second.key());
    assertThat(km.getPrivateKey("leaf-5")).isNull();
    assertThat(km.getCertificateChain("leaf-5")).isNull();
    assertThat(km.getPrivateKey("other")).isNull();
  }

  @Test
  void servesRsaLeaves() {
    Pki.Leaf rsa = ca.leafBuilder("web").keyAlgorithm("RSA").issue();
    ConnectKeyManager km = new ConnectKeyManager(StaticIdentitySource.of(snapshot(rsa, 0)));

    assertThat(km.chooseServerAlias("RSA", null, null)).isEqualTo("leaf-0");
    assertThat(km.chooseServerAlias("EC", null, null)).isNull();
  }

  private IdentitySnapshot snapshot(Pki.Leaf leaf, long revision) {
    return new IdentitySnapshot(trust, LeafCertificate.of(leaf.chain(), leaf.key()), revision);
  }
}
