package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;

class TestCaTest {
  private static final Instant NOW = Instant.parse("2026-11-21T09:30:40Z");
  private static final UUID CLUSTER = UUID.fromString("3779268c-d290-379c-fa43-991e61fd2ae8");
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";

  private final TestCa ca =
      TestCa.builder().clusterId(CLUSTER).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  @Test
  void rootHasTheRecordedShape() throws Exception {
    X509Certificate root = ca.rootCertificate();
    assertThat(ca.trustDomain()).isEqualTo("3779268c-d290-379c-fa43-991e61fd2ae8.consul");
    assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
    assertThat(root.getSubjectX500Principal().getName())
        .matches("CN=pri-[a-z0-9]{8}\\.consul\\.ca\\.3779268c\\.consul");
    assertThat(uris(root)).containsExactly("spiffe://3779268c-d290-379c-fa43-991e61fd2ae8.consul");
    assertThat(root.getKeyUsage())
        .containsExactly(true, false, false, false, false, true, true, false, false);
    assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(root.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(KEY_USAGE, BASIC_CONSTRAINTS);
    assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(root.getNotBefore().toInstant()).isEqualTo(NOW);
    assertThat(root.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-11-21T09:30:40Z"));
    byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(root.getEncoded());
    assertThat(ca.rootId()).isEqualTo(HexFormat.ofDelimiter(":").formatHex(sha1));
    assertThat(ca.signingKeyId()).hasSize(32 * 3 - 1).isEqualTo(colonHex(subjectKeyId(root)));
    assertThat(colonHex(authorityKeyId(root))).isEqualTo(ca.signingKeyId());
    root.verify(root.getPublicKey());
  }

  @Test
  void leafHasTheRecordedShape() throws Exception {
    IssuedLeaf leaf = ca.leaf("Web_Svc.v2");
    X509Certificate cert = leaf.certificate();
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=websvcv2.svc.default.3779268c.consul");
    assertThat(cert.getIssuerX500Principal())
        .isEqualTo(ca.rootCertificate().getSubjectX500Principal());
    assertThat(uris(cert))
        .containsExactly(
            "spiffe://3779268c-d290-379c-fa43-991e61fd2ae8.consul/ns/default/dc/dc1/svc/Web_Svc.v2");
    assertThat(cert.getSubjectAlternativeNames()).hasSize(1);
    assertThat(leaf.uri()).isEqualTo(uris(cert).get(0));
    assertThat(cert.getKeyUsage())
        .containsExactly(true, false, true, true, true, false, false, false, false);
    assertThat(cert.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getCriticalExtensionOIDs())
        .containsExactlyInAnyOrder(KEY_USAGE, BASIC_CONSTRAINTS);
    assertThat(subjectKeyId(cert)).hasSize(32);
    assertThat(colonHex(authorityKeyId(cert))).isEqualTo(ca.signingKeyId());
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    assertThat(cert.getNotAfter().toInstant())
        .isEqualTo(NOW.minus(Duration.ofMinutes(1)).plus(Duration.ofHours(72)));
    assertThat(leaf.serialNumber()).matches("[0-9a-f]{2}(:[0-9a-f]{2})*");
    assertThat(new java.math.BigInteger(leaf.serialNumber().replace(":", ""), 16))
        .isEqualTo(cert.getSerialNumber());
    assertThat(leaf.privateKeyPem())
        .startsWith("-----BEGIN EC PRIVATE KEY-----\n")
        .endsWith("-----END EC PRIVATE KEY-----\n");
    try (PEMParser parser = new PEMParser(new java.io.StringReader(leaf.privateKeyPem()))) {
      PEMKeyPair pair = (PEMKeyPair) parser.readObject();
      assertThat(pair.getPublicKeyInfo().getEncoded()).isEqualTo(cert.getPublicKey().getEncoded());
    }
    cert.verify(ca.rootCertificate().getPublicKey());
    validate(cert, List.of(), ca.rootCertificate());
    assertThat(leaf.toString()).contains("redacted").doesNotContain("PRIVATE");
    assertThat(ca.toString()).contains(ca.trustDomain()).doesNotContain("PRIVATE");
  }

  @Test
  void leafBuilderVariesEveryPart() throws Exception {
    Instant from = NOW.minus(Duration.ofDays(3));
    IssuedLeaf odd =
        ca.leafBuilder("web")
            .namespace("ns")
            .datacenter("dc2")
            .partition("ap1")
            .validity(from, from.plus(Duration.ofHours(1)))
            .keyAlgorithm(KeyAlgorithm.RSA_2048)
            .keyEncoding(KeyEncoding.PKCS8)
            .issue();
    assertThat(odd.uri())
        .isEqualTo("spiffe://" + ca.trustDomain() + "/ap/ap1/ns/ns/dc/dc2/svc/web");
    assertThat(odd.certificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=web.svc.ns.3779268c.consul");
    assertThat(odd.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(odd.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(odd.certificate().getNotAfter().toInstant())
        .isEqualTo(from.plus(Duration.ofHours(1)));

    IssuedLeaf bare = ca.leafBuilder("web").uriSans(List.of()).certificateAuthority(true).issue();
    assertThat(bare.certificate().getSubjectAlternativeNames()).isNull();
    assertThat(bare.uri()).isEmpty();
    assertThat(bare.certificate().getBasicConstraints()).isNotEqualTo(-1);

    IssuedLeaf rsa = ca.leafBuilder("web").keyAlgorithm(KeyAlgorithm.RSA_2048).issue();
    assertThat(rsa.privateKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    IssuedLeaf otherUris =
        ca.leafBuilder("web")
            .uriSans(List.of("spiffe://other.consul/ns/default/dc/dc1/svc/web"))
            .issue();
    assertThat(otherUris.uri()).isEqualTo("spiffe://other.consul/ns/default/dc/dc1/svc/web");
  }

  @Test
  void refusesMisfitSettings() {
    assertThatThrownBy(
            () ->
                ca.leafBuilder("web")
                    .keyAlgorithm(KeyAlgorithm.RSA_2048)
                    .keyEncoding(KeyEncoding.SEC1)
                    .issue())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SEC1 encoding needs an EC key");
    assertThatThrownBy(() -> ca.leafBuilder("web").keyEncoding(KeyEncoding.PKCS1).issue())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS1 encoding needs an RSA key");
    assertThatThrownBy(() -> ca.leafBuilder("web").namespace("a").namespace("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("namespace is already set");
    assertThatThrownBy(() -> TestCa.builder().clusterId(CLUSTER).clusterId(CLUSTER))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ca.leafBuilder("web").validity(NOW, NOW.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestCa.builder().privateKeyPem("not a key"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void otherRootAlgorithms() throws Exception {
    TestCa p384 = TestCa.builder().keyAlgorithm(KeyAlgorithm.EC_P384).build();
    assertThat(p384.rootCertificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
    validate(p384.leaf("web").certificate(), List.of(), p384.rootCertificate());
    TestCa rsa = TestCa.builder().keyAlgorithm(KeyAlgorithm.RSA_2048).build();
    assertThat(rsa.rootCertificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    IssuedLeaf leaf = rsa.leaf("web");
    assertThat(leaf.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    validate(leaf.certificate(), List.of(), rsa.rootCertificate());
    TestCa same = TestCa.builder().privateKeyPem(rsa.privateKeyPem()).build();
    assertThat(same.publicKey()).isEqualTo(rsa.publicKey());
    assertThat(same.signingKeyId()).isEqualTo(rsa.signingKeyId());
  }

  @Test
  void crossSignedRootChainsNewLeavesToTheOldRoot() throws Exception {
    TestCa next =
        TestCa.builder().clusterId(CLUSTER).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    X509Certificate cross = ca.crossSign(next);
    assertThat(cross.getSubjectX500Principal())
        .isEqualTo(next.rootCertificate().getSubjectX500Principal());
    assertThat(cross.getIssuerX500Principal())
        .isEqualTo(ca.rootCertificate().getSubjectX500Principal());
    assertThat(cross.getPublicKey()).isEqualTo(next.publicKey());
    assertThat(cross.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    assertThat(cross.getNotAfter().toInstant())
        .isEqualTo(NOW.minus(Duration.ofMinutes(1)).plus(Duration.ofDays(7)));
    assertThat(colonHex(subjectKeyId(cross))).isEqualTo(next.signingKeyId());
    assertThat(colonHex(authorityKeyId(cross))).isEqualTo(ca.signingKeyId());

    X509Certificate newLeaf = next.leaf("web").certificate();
    validate(newLeaf, List.of(), next.rootCertificate());
    validate(newLeaf, List.of(cross), ca.rootCertificate());
    assertThatThrownBy(() -> validate(newLeaf, List.of(), ca.rootCertificate()))
        .isInstanceOf(CertPathValidatorException.class);
    X509Certificate oldLeaf = ca.leaf("web").certificate();
    assertThatThrownBy(() -> validate(oldLeaf, List.of(), next.rootCertificate()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void certificatesMatchTheRecordedOnesExtensionByExtension() throws Exception {
    Optional<Path> golden = GoldenRecording.directory();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        golden.isPresent(), "shared/consul-golden not found: skipping");
    Path pem = golden.get().resolve("pem");
    X509Certificate recordedRoot = read(pem.resolve("root-1.cert.pem"));
    X509Certificate recordedLeaf = read(pem.resolve("leaf-web.cert.pem"));
    X509Certificate recordedCross = read(pem.resolve("root-2.cross-signed-by-root-1.cert.pem"));
    X509Certificate recordedRsaLeaf = read(pem.resolve("leaf-web-signed-by-rsa-root.cert.pem"));
    TestCa next = TestCa.builder().clusterId(CLUSTER).build();
    TestCa rsa = TestCa.builder().clusterId(CLUSTER).keyAlgorithm(KeyAlgorithm.RSA_2048).build();

    assertSameShape(ca.rootCertificate(), recordedRoot);
    assertSameShape(ca.leaf("web").certificate(), recordedLeaf);
    assertSameShape(ca.crossSign(next), recordedCross);
    assertSameShape(rsa.leaf("web").certificate(), recordedRsaLeaf);
    String recordedPem = Files.readString(pem.resolve("root-1.cert.pem"));
    assertThat(ca.rootPem().lines().map(String::length).toList().subList(0, 3))
        .isEqualTo(recordedPem.lines().map(String::length).toList().subList(0, 3));
    assertThat(ca.rootPem()).endsWith("-----END CERTIFICATE-----\n");
  }

  private static void assertSameShape(X509Certificate ours, X509Certificate recorded)
      throws Exception {
    assertThat(ours.getVersion()).isEqualTo(recorded.getVersion());
    assertThat(ours.getSigAlgName()).isEqualTo(recorded.getSigAlgName());
    assertThat(ours.getCriticalExtensionOIDs()).isEqualTo(recorded.getCriticalExtensionOIDs());
    assertThat(new TreeSet<>(ours.getNonCriticalExtensionOIDs()))
        .isEqualTo(new TreeSet<>(recorded.getNonCriticalExtensionOIDs()));
    assertThat(ours.getKeyUsage()).isEqualTo(recorded.getKeyUsage());
    assertThat(ours.getExtendedKeyUsage()).isEqualTo(recorded.getExtendedKeyUsage());
    assertThat(ours.getBasicConstraints()).isEqualTo(recorded.getBasicConstraints());
    assertThat(ours.getPublicKey().getAlgorithm())
        .isEqualTo(recorded.getPublicKey().getAlgorithm());
    assertThat(subjectKeyId(ours)).hasSameSizeAs(subjectKeyId(recorded));
    assertThat(authorityKeyId(ours)).hasSameSizeAs(authorityKeyId(recorded));
    assertThat(sanTypes(ours)).isEqualTo(sanTypes(recorded));
    assertThat(shape(ours.getSubjectX500Principal().getName()))
        .isEqualTo(shape(recorded.getSubjectX500Principal().getName()));
    assertThat(Duration.between(ours.getNotBefore().toInstant(), ours.getNotAfter().toInstant()))
        .isEqualTo(
            Duration.between(
                recorded.getNotBefore().toInstant(), recorded.getNotAfter().toInstant()));
    assertThat(ours.getSubjectX500Principal().getEncoded()[0])
        .isEqualTo(recorded.getSubjectX500Principal().getEncoded()[0]);
    assertThat(printableStringTag(ours)).isEqualTo(printableStringTag(recorded));
  }

  private static String shape(String dn) {
    return dn.replaceAll("pri-[a-z0-9]+", "pri-*");
  }

  private static byte printableStringTag(X509Certificate cert) {
    byte[] der = cert.getSubjectX500Principal().getEncoded();
    return der[der.length - 1 - cnLength(cert) - 1];
  }

  private static int cnLength(X509Certificate cert) {
    String name = cert.getSubjectX500Principal().getName();
    return name.substring(3).getBytes(StandardCharsets.UTF_8).length;
  }

  private static Set<Integer> sanTypes(X509Certificate cert) throws Exception {
    Set<Integer> types = new TreeSet<>();
    if (cert.getSubjectAlternativeNames() != null) {
      cert.getSubjectAlternativeNames().forEach(san -> types.add((Integer) san.get(0)));
    }
    return types;
  }

  private static X509Certificate read(Path file) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
  }

  static void validate(
      X509Certificate leaf, List<X509Certificate> intermediates, X509Certificate root)
      throws Exception {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(intermediates);
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(leaf.getNotBefore().toInstant().plus(Duration.ofMinutes(2))));
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
  }

  static List<String> uris(X509Certificate cert) throws Exception {
    List<String> out = new ArrayList<>();
    if (cert.getSubjectAlternativeNames() != null) {
      for (List<?> san : cert.getSubjectAlternativeNames()) {
        if ((Integer) san.get(0) == 6) {
          out.add((String) san.get(1));
        }
      }
    }
    return out;
  }

  private static byte[] subjectKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue("2.5.29.14");
    return ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
  }

  private static byte[] authorityKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue("2.5.29.35");
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
        .getKeyIdentifier();
  }

  private static String colonHex(byte[] bytes) {
    return HexFormat.ofDelimiter(":").formatHex(bytes);
  }
}
