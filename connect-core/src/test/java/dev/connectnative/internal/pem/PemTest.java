package dev.connectnative.internal.pem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.InvalidIdentityException;
import dev.connectnative.internal.tls.Pki;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.KeyAlgorithm;
import dev.connectnative.testkit.KeyEncoding;
import dev.connectnative.testkit.TestCa;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {

  @Test
  void readsTheRecordedLeafAndItsSec1Key() {
    X509Certificate leaf = Pem.certificates(Golden.read("leaf-web.cert.pem"), "cert").get(0);
    PrivateKey key = Pem.privateKey(Golden.read("leaf-web.key.pem"), "key");

    assertThat(key).isInstanceOf(ECPrivateKey.class);
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(Certificates.keyMatches(key, leaf.getPublicKey())).isTrue();
    assertThat(Certificates.serialHex(leaf.getSerialNumber())).isEqualTo("08");
    assertThat(Certificates.serviceIdentity(leaf).toString())
        .isEqualTo("spiffe://" + Golden.TRUST_DOMAIN + "/ns/default/dc/dc1/svc/web");
  }

  @Test
  void readsARecordedChainWithItsCrossSignedCertificate() {
    List<X509Certificate> chain =
        Pem.certificates(Golden.read("leaf-web-after-rotation.cert.pem"), "cert");

    assertThat(chain).hasSize(2);
    assertThat(Certificates.isCa(chain.get(0))).isFalse();
    assertThat(Certificates.isCa(chain.get(1))).isTrue();
    assertThat(chain.get(1).getSubjectX500Principal())
        .isEqualTo(
            Pem.certificates(Golden.read("root-2.cert.pem"), "root")
                .get(0)
                .getSubjectX500Principal());
  }

  @Test
  void readsRecordedRootsIncludingRsa() {
    X509Certificate rsa = Pem.certificates(Golden.read("root-3-rsa.cert.pem"), "root").get(0);

    assertThat(rsa.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(Certificates.uriSans(rsa)).containsExactly("spiffe://" + Golden.TRUST_DOMAIN);
    assertThat(Pem.privateKey(Golden.read("rotation-new-ca.key.pem"), "key").getAlgorithm())
        .isEqualTo("EC");
  }

  @Test
  void aKeyOfAnotherLeafDoesNotMatch() {
    X509Certificate web = Pem.certificates(Golden.read("leaf-web.cert.pem"), "cert").get(0);
    PrivateKey echoKey = Pem.privateKey(Golden.read("leaf-echo.key.pem"), "key");

    assertThat(Certificates.keyMatches(echoKey, web.getPublicKey())).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "EC_P256, SEC1, EC PRIVATE KEY",
    "EC_P256, PKCS8, PRIVATE KEY",
    "EC_P384, SEC1, EC PRIVATE KEY",
    "EC_P384, PKCS8, PRIVATE KEY",
    "RSA_2048, PKCS1, RSA PRIVATE KEY",
    "RSA_2048, PKCS8, PRIVATE KEY"
  })
  void readsKeysTheTestCaMintsInEveryEncoding(
      KeyAlgorithm algorithm, KeyEncoding encoding, String block) {
    IssuedLeaf leaf =
        TestCa.create().leafBuilder("web").keyAlgorithm(algorithm).keyEncoding(encoding).issue();

    PrivateKey key = Pem.privateKey(leaf.privateKeyPem(), "key");

    assertThat(leaf.privateKeyPem()).startsWith("-----BEGIN " + block + "-----");
    assertThat(key.getClass().getName()).startsWith("sun.security.");
    assertThat(key.getAlgorithm()).isEqualTo(algorithm == KeyAlgorithm.RSA_2048 ? "RSA" : "EC");
    assertThat(Certificates.keyMatches(key, leaf.certificate().getPublicKey())).isTrue();
    assertThat(Pem.certificates(leaf.certificatePem(), "cert")).containsExactly(leaf.certificate());
    if (key instanceof ECPrivateKey ec) {
      assertThat(ec.getParams().getOrder().bitLength())
          .isEqualTo(algorithm == KeyAlgorithm.EC_P384 ? 384 : 256);
    }
  }

  @Test
  void neverRegistersBouncyCastleAsAProvider() {
    Pem.privateKey(Golden.read("leaf-web.key.pem"), "key");

    assertThat(java.security.Security.getProvider("BC")).isNull();
  }

  @Test
  void refusesUnsupportedCurvesAndShortRsaKeys() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp521r1"));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);

    assertThatThrownBy(() -> Pem.privateKey(Pki.pem(ec.generateKeyPair().getPrivate()), "key"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("key: unsupported EC curve 1.3.132.0.35 (supported: P-256, P-384)");
    assertThatThrownBy(() -> Pem.privateKey(Pki.pem(rsa.generateKeyPair().getPrivate()), "key"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("key: RSA key of 1024 bits is too short (minimum 2048)");
  }

  @Test
  void refusesGarbageWithoutEchoingKeyMaterial() {
    String key = Golden.read("leaf-web.key.pem");
    String body = key.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    String secretLine = key.lines().skip(1).findFirst().orElseThrow();
    String truncated = key.substring(0, key.length() / 2);
    String corrupted =
        key.replace(secretLine, secretLine.substring(0, 20) + "!!!!" + secretLine.substring(24));
    byte[] der = Base64.getDecoder().decode(body);
    String garbledDer =
        "-----BEGIN EC PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(java.util.Arrays.copyOf(der, der.length / 2))
            + "\n-----END EC PRIVATE KEY-----\n";

    assertRefused(truncated, "key is malformed PEM", secretLine);
    assertRefused(corrupted, "key is malformed PEM (invalid base64 content)", secretLine);
    assertRefused(
        garbledDer, "key: the EC PRIVATE KEY block is not a valid key structure", secretLine);
    assertRefused("not pem at all", "key holds no PEM block", secretLine);
    assertRefused(
        key + key, "key holds 2 PEM blocks, expected exactly one private key", secretLine);
    assertRefused(
        Golden.read("leaf-web.cert.pem"),
        "key: PEM block is \"CERTIFICATE\", expected EC PRIVATE KEY, RSA PRIVATE KEY or PRIVATE KEY",
        secretLine);
    assertRefused(
        key.replace("EC PRIVATE KEY", "RSA PRIVATE KEY"),
        "key: the RSA PRIVATE KEY block is not a valid key structure",
        secretLine);
    assertRefused(
        key.replace(
            "-----BEGIN EC PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"),
        "key: encrypted private keys are not supported (Proc-Type header)",
        secretLine);
    assertRefused(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        "key: encrypted private keys are not supported (ENCRYPTED PRIVATE KEY)",
        secretLine);
  }

  @Test
  void refusesBadCertificates() {
    assertThatThrownBy(() -> Pem.certificates(Golden.read("leaf-web.key.pem"), "leaf PEM"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("leaf PEM: PEM block 1 is \"EC PRIVATE KEY\", expected CERTIFICATE");
    assertThatThrownBy(
            () ->
                Pem.certificates(
                    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "leaf PEM"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("leaf PEM: PEM block 1 is not a valid X.509 certificate");
    assertThatThrownBy(() -> Pem.certificates("", "leaf PEM"))
        .hasMessage("leaf PEM holds no PEM block");
  }

  private static void assertRefused(String pem, String message, String secret) {
    assertThatThrownBy(() -> Pem.privateKey(pem, "key"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(fullText(e)).doesNotContain(secret.substring(0, 16)));
  }

  private static String fullText(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t).append('\n');
    }
    return out.toString();
  }
}
