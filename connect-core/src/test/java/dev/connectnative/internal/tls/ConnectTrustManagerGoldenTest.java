package dev.connectnative.internal.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.pem.Golden;
import dev.connectnative.internal.pem.Pem;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trust manager against the certificates a real Consul agent issued around a CA rotation. */
class ConnectTrustManagerGoldenTest {
  private static final Clock DURING_RECORDING =
      Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

  private final X509Certificate root1 = cert("root-1.cert.pem");
  private final X509Certificate root2 = cert("root-2.cert.pem");
  private final X509Certificate root3 = cert("root-3-rsa.cert.pem");
  private final X509Certificate cross = cert("root-2.cross-signed-by-root-1.cert.pem");

  @Test
  void aNewLeafWithItsCrossSignedCertificateValidatesForAPeerStillOnTheOldRoot() {
    X509Certificate[] chain = chain("leaf-web-after-rotation.cert.pem");

    assertThatCode(() -> manager(List.of(root1), List.of()).checkClientTrusted(chain, "EC"))
        .doesNotThrowAnyException();
    assertThatCode(() -> manager(List.of(root2), List.of()).checkClientTrusted(chain, "EC"))
        .doesNotThrowAnyException();
  }

  @Test
  void theBundlesCrossSignedCertificateServesAsPathMaterialWhenThePeerSendsOnlyItsLeaf() {
    X509Certificate[] leafOnly = {chain("leaf-web-after-rotation.cert.pem")[0]};

    assertThatThrownBy(() -> manager(List.of(root1), List.of()).checkClientTrusted(leafOnly, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(
            "does not chain to any of our 1 trusted root(s) of " + Golden.TRUST_DOMAIN);
    assertThatCode(() -> manager(List.of(root1), List.of(cross)).checkClientTrusted(leafOnly, "EC"))
        .doesNotThrowAnyException();
  }

  @Test
  void anOldLeafDoesNotValidateAgainstOnlyTheNewRootSoEveryRootIsTrusted() {
    X509Certificate[] old = chain("leaf-web.cert.pem");

    assertThatThrownBy(() -> manager(List.of(root2), List.of()).checkClientTrusted(old, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThatCode(
            () -> manager(List.of(root1, root2, root3), List.of()).checkClientTrusted(old, "EC"))
        .doesNotThrowAnyException();
  }

  @Test
  void anEcLeafSignedByTheRsaRootValidates() {
    assertThatCode(
            () ->
                manager(List.of(root1, root2, root3), List.of())
                    .checkClientTrusted(chain("leaf-web-signed-by-rsa-root.cert.pem"), "EC"))
        .doesNotThrowAnyException();
  }

  private static ConnectTrustManager manager(
      List<X509Certificate> roots, List<X509Certificate> intermediates) {
    LeafCertificate echo =
        LeafCertificate.fromPem(
            Golden.read("leaf-echo.cert.pem"), Golden.read("leaf-echo.key.pem"));
    TrustBundle trust = new TrustBundle(Golden.TRUST_DOMAIN, roots, intermediates, roots.get(0));
    return new ConnectTrustManager(
        StaticIdentitySource.of(new IdentitySnapshot(trust, echo, 1)),
        TrustDomainPolicy.OWN_TRUST_DOMAIN,
        DURING_RECORDING);
  }

  private static X509Certificate cert(String name) {
    return chain(name)[0];
  }

  private static X509Certificate[] chain(String name) {
    return Pem.certificates(Golden.read(name), name).toArray(X509Certificate[]::new);
  }
}
