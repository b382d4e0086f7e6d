package dev.connectnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.internal.pem.Golden;
import dev.connectnative.internal.pem.Pem;
import dev.connectnative.internal.tls.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityValuesTest {
  private final Pki ca = Pki.create();

  @Test
  void leafFromTheRecordedAgentAnswer() {
    LeafCertificate leaf =
        LeafCertificate.fromPem(Golden.read("leaf-web.cert.pem"), Golden.read("leaf-web.key.pem"));

    assertThat(leaf.id()).isEqualTo(ServiceIdentity.of(Golden.TRUST_DOMAIN, "dc1", "web"));
    assertThat(leaf.serialNumber()).isEqualTo("08");
    assertThat(leaf.notAfter()).isEqualTo(Instant.parse("2026-11-24T09:29:40Z"));
    assertThat(leaf.toString())
        .contains("serialNumber=08", "privateKey=<redacted>")
        .doesNotContain(leaf.privateKey().toString());
  }

  @Test
  void leafRefusesAKeyOfAnotherCertificate() {
    assertThatThrownBy(
            () ->
                LeafCertificate.fromPem(
                    Golden.read("leaf-web.cert.pem"), Golden.read("leaf-echo.key.pem")))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage(
            "the private key does not match the public key of leaf certificate spiffe://"
                + Golden.TRUST_DOMAIN
                + "/ns/default/dc/dc1/svc/web (serial 08)");
  }

  @Test
  void leafRefusesInconsistentParts() {
    Pki.Leaf web = ca.leaf("web");
    X509Certificate cert = web.certificate();
    ServiceIdentity id = ServiceIdentity.of(ca.trustDomain(), "dc1", "web");
    Instant notAfter = cert.getNotAfter().toInstant();

    assertThatThrownBy(
            () ->
                new LeafCertificate(
                    web.chain(),
                    web.key(),
                    ServiceIdentity.of(ca.trustDomain(), "dc1", "db"),
                    "00",
                    notAfter))
        .hasMessageContaining("leaf certificate names " + id + " but the leaf was given as");
    assertThatThrownBy(() -> new LeafCertificate(web.chain(), web.key(), id, "ff", notAfter))
        .hasMessageContaining("not ff");
    assertThatThrownBy(
            () ->
                new LeafCertificate(
                    web.chain(),
                    web.key(),
                    id,
                    LeafCertificate.of(web.chain(), web.key()).serialNumber(),
                    notAfter.plusSeconds(1)))
        .hasMessageContaining("expires at");
    assertThatThrownBy(() -> LeafCertificate.of(List.of(), web.key()))
        .hasMessage("leaf certificate chain is empty");
    Pki.Leaf caLeaf = ca.leafBuilder("web").certificateAuthority(true).issue();
    assertThatThrownBy(() -> LeafCertificate.of(caLeaf.chain(), caLeaf.key()))
        .hasMessageContaining("is a CA certificate, not a leaf");
    Pki.Leaf agent =
        ca.leafBuilder("x")
            .uris(List.of("spiffe://" + ca.trustDomain() + "/agent/client/dc/dc1/id/n1"))
            .issue();
    assertThatThrownBy(() -> LeafCertificate.of(agent.chain(), agent.key()))
        .hasMessageContaining("which is not a service identity");
  }

  @Test
  void trustBundleFromRecordedRoots() {
    X509Certificate root1 = cert("root-1.cert.pem");
    X509Certificate root2 = cert("root-2.cert.pem");
    X509Certificate cross = cert("root-2.cross-signed-by-root-1.cert.pem");

    TrustBundle bundle =
        new TrustBundle(
            Golden.TRUST_DOMAIN.toUpperCase(), List.of(root1, root2), List.of(cross), root2);

    assertThat(bundle.trustDomain()).isEqualTo(Golden.TRUST_DOMAIN);
    assertThat(bundle.trustDomains()).containsExactly(Golden.TRUST_DOMAIN);
    assertThatThrownBy(() -> bundle.roots().add(root1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new TrustBundle(Golden.TRUST_DOMAIN, List.of(root1), List.of(), root2))
        .hasMessageContaining("is not among the roots");
    assertThatThrownBy(() -> TrustBundle.of(Golden.TRUST_DOMAIN, List.of()))
        .hasMessage("trust bundle for " + Golden.TRUST_DOMAIN + " has no root");
    assertThatThrownBy(
            () -> TrustBundle.of(Golden.TRUST_DOMAIN, List.of(cert("leaf-web.cert.pem"))))
        .hasMessageContaining(
            "root spiffe://"
                + Golden.TRUST_DOMAIN
                + "/ns/default/dc/dc1/svc/web (serial 08) is not a CA certificate");
  }

  @Test
  void trustDomainPolicies() {
    Pki other = Pki.create();
    TrustBundle both =
        new TrustBundle(ca.trustDomain(), List.of(ca.root(), other.root()), List.of(), ca.root());

    assertThat(TrustDomainPolicy.OWN_TRUST_DOMAIN.accepts(ca.trustDomain(), both)).isTrue();
    assertThat(TrustDomainPolicy.OWN_TRUST_DOMAIN.accepts(other.trustDomain(), both)).isFalse();
    assertThat(TrustDomainPolicy.ANY_TRUST_DOMAIN_IN_ROOTS.accepts(other.trustDomain(), both))
        .isTrue();
    assertThat(TrustDomainPolicy.ANY_TRUST_DOMAIN_IN_ROOTS.accepts("elsewhere.consul", both))
        .isFalse();
  }

  @Test
  void staticSourceFromRecordedFilesAndHandRotation(@TempDir Path dir) throws Exception {
    Path roots =
        Files.writeString(
            dir.resolve("roots.pem"),
            Golden.read("root-1.cert.pem")
                + Golden.read("root-2.cert.pem")
                + Golden.read("root-2.cross-signed-by-root-1.cert.pem"));
    Path cert = Files.writeString(dir.resolve("cert.pem"), Golden.read("leaf-web.cert.pem"));
    Path key = Files.writeString(dir.resolve("key.pem"), Golden.read("leaf-web.key.pem"));
    List<String> events = new ArrayList<>();

    try (StaticIdentitySource source = StaticIdentitySource.fromFiles(roots, cert, key)) {
      IdentitySnapshot first = source.current().orElseThrow();
      assertThat(first.revision()).isZero();
      assertThat(first.trust().roots()).hasSize(2);
      assertThat(first.trust().intermediates()).hasSize(1);
      assertThat(first.trust().activeRoot()).isEqualTo(cert("root-1.cert.pem"));
      assertThat(source.status().ready()).isTrue();
      source.addListener(
          (previous, current) ->
              events.add(
                  previous.orElseThrow().leaf().id().service()
                      + "->"
                      + current.leaf().id().service()));

      IdentitySnapshot second =
          source.update(
              Files.readString(roots),
              Golden.read("leaf-echo.cert.pem"),
              Golden.read("leaf-echo.key.pem"));

      assertThat(second.revision()).isEqualTo(1);
      assertThat(events).containsExactly("web->echo");
      assertThatThrownBy(
              () ->
                  source.update(
                      Files.readString(roots),
                      Golden.read("leaf-web.cert.pem"),
                      Golden.read("leaf-echo.key.pem")))
          .isInstanceOf(InvalidIdentityException.class)
          .hasMessageContaining("the private key does not match");
      assertThat(source.current()).contains(second);
    }
  }

  @Test
  void staticSourceNotifiesListenersInOrderAndRefusesStaleRevisions() {
    Pki.Leaf web1 = ca.leaf("web");
    Pki.Leaf web2 = ca.leaf("web");
    List<String> events = new ArrayList<>();
    StaticIdentitySource source =
        StaticIdentitySource.fromPem(ca.rootPem(), web1.certificatePem(), web1.keyPem());
    source.addListener(
        (previous, current) ->
            events.add(previous.orElseThrow().revision() + "->" + current.revision()));
    source.addListener(
        (previous, current) -> {
          throw new IllegalStateException("a failing listener does not stop the others");
        });
    source.addListener(
        (previous, current) -> events.add("second listener saw " + current.leaf().serialNumber()));

    IdentitySnapshot next =
        source.update(
            source.current().orElseThrow().trust(), LeafCertificate.of(web2.chain(), web2.key()));

    assertThat(next.revision()).isEqualTo(1);
    assertThat(source.current()).contains(next);
    assertThat(events).containsExactly("0->1", "second listener saw " + next.leaf().serialNumber());
    assertThatThrownBy(() -> source.update(new IdentitySnapshot(next.trust(), next.leaf(), 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision must increase: current 1, given 1");
    assertThat(source.status()).isEqualTo(new IdentityStatus(true, true, Optional.empty()));

    source.close();
    source.close();
    assertThat(source.current()).contains(next);
    assertThatThrownBy(() -> source.update(next.trust(), next.leaf()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void statusNamesWhatIsMissing() {
    IdentityStatus status =
        new IdentityStatus(false, true, Optional.of(new ConnectException("boom")));

    assertThat(status.ready()).isFalse();
    assertThat(status.missing()).containsExactly("trust roots");
    assertThat(new IdentityStatus(false, false, Optional.empty()).missing())
        .containsExactly("trust roots", "leaf certificate");
  }

  private static X509Certificate cert(String name) {
    return Pem.certificates(Golden.read(name), name).get(0);
  }
}
