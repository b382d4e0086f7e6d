package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RotationTest {
  private final DevAgent agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
  private final AgentHttp http = new AgentHttp(agent);

  @AfterEach
  void close() {
    agent.close();
  }

  @Test
  void rotationListsBothRootsAndNewLeavesChainToTheOldRoot() throws Exception {
    JsonNode before = http.get("/v1/agent/connect/ca/roots").json();
    X509Certificate oldRoot = certs(before.path("Roots").get(0).path("RootCert").asText()).get(0);
    AgentHttp.Answer oldLeaf = http.get("/v1/agent/connect/ca/leaf/web");

    agent.rotateCa();

    JsonNode after = http.get("/v1/agent/connect/ca/roots").json();
    JsonNode roots = after.path("Roots");
    assertThat(roots).hasSize(2);
    assertThat(roots.get(0).path("ID").asText()).isLessThan(roots.get(1).path("ID").asText());
    JsonNode active = null;
    JsonNode inactive = null;
    for (JsonNode root : roots) {
      if (root.path("Active").asBoolean()) {
        active = root;
      } else {
        inactive = root;
      }
    }
    assertThat(active).isNotNull();
    assertThat(inactive).isNotNull();
    assertThat(after.path("ActiveRootID").asText()).isEqualTo(active.path("ID").asText());
    assertThat(inactive.path("ID").asText()).isEqualTo(before.path("ActiveRootID").asText());
    assertThat(inactive.path("IntermediateCerts").isNull()).isTrue();
    assertThat(inactive.path("ModifyIndex").asLong())
        .isGreaterThan(inactive.path("CreateIndex").asLong());
    assertThat(active.path("IntermediateCerts")).hasSize(1);
    X509Certificate newRoot = certs(active.path("RootCert").asText()).get(0);
    X509Certificate cross = certs(active.path("IntermediateCerts").get(0).asText()).get(0);
    assertThat(cross.getIssuerX500Principal()).isEqualTo(oldRoot.getSubjectX500Principal());
    assertThat(cross.getSubjectX500Principal()).isEqualTo(newRoot.getSubjectX500Principal());
    assertThat(Duration.between(cross.getNotBefore().toInstant(), cross.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(7));

    AgentHttp.Answer cached = http.get("/v1/agent/connect/ca/leaf/web");
    assertThat(cached.json().path("SerialNumber")).isEqualTo(oldLeaf.json().path("SerialNumber"));
    assertThat(cached.header("X-Cache")).isEqualTo("HIT");

    AgentHttp.Answer renewed =
        http.get("/v1/agent/connect/ca/leaf/web?index=" + oldLeaf.index() + "&wait=10s");
    List<X509Certificate> chain = certs(renewed.json().path("CertPEM").asText());
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(cross);
    X509Certificate leaf = chain.get(0);
    TestCaTest.validate(leaf, List.of(), newRoot);
    TestCaTest.validate(leaf, List.of(cross), oldRoot);
  }

  @Test
  void rsaRotationKeepsEcLeaves() throws Exception {
    agent.rotateCa();
    agent.rotateCa(KeyAlgorithm.RSA_2048);
    JsonNode roots = http.get("/v1/agent/connect/ca/roots").json().path("Roots");
    assertThat(roots).hasSize(3);
    JsonNode rsa = null;
    for (JsonNode root : roots) {
      if (root.path("Active").asBoolean()) {
        rsa = root;
      }
    }
    assertThat(rsa.path("PrivateKeyType").asText()).isEqualTo("rsa");
    assertThat(rsa.path("PrivateKeyBits").asInt()).isEqualTo(2048);
    X509Certificate root = certs(rsa.path("RootCert").asText()).get(0);
    assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    JsonNode leaf = http.get("/v1/agent/connect/ca/leaf/rsatest").json();
    X509Certificate cert = certs(leaf.path("CertPEM").asText()).get(0);
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
    assertThat(leaf.path("PrivateKeyPEM").asText()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    TestCaTest.validate(cert, List.of(), root);
  }

  @Test
  void caConfigurationPutWithAPrivateKeyRotatesAndEchoesTheKey() {
    TestCa supplied = TestCa.create();
    String body =
        "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\",\"IntermediateCertTTL\":\"8760h\","
            + "\"PrivateKey\":"
            + new com.fasterxml.jackson.databind.node.TextNode(supplied.privateKeyPem())
            + "}}";
    AgentHttp.Answer put = http.put("/v1/connect/ca/configuration", body);
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body()).isEmpty();
    JsonNode roots = http.get("/v1/agent/connect/ca/roots").json();
    assertThat(roots.path("Roots")).hasSize(2);
    String activeKeyId = "";
    for (JsonNode root : roots.path("Roots")) {
      if (root.path("Active").asBoolean()) {
        activeKeyId = root.path("SigningKeyID").asText();
      }
    }
    assertThat(activeKeyId).isEqualTo(supplied.signingKeyId());
    JsonNode config = http.get("/v1/connect/ca/configuration").json();
    assertThat(config.path("Config").path("PrivateKey").asText())
        .isEqualTo(supplied.privateKeyPem());
    assertThat(config.path("ModifyIndex").asLong())
        .isGreaterThan(config.path("CreateIndex").asLong());
    assertThat(http.put("/v1/connect/ca/configuration", body).status()).isEqualTo(200);
    assertThat(http.get("/v1/agent/connect/ca/roots").json().path("Roots")).hasSize(2);
  }

  static List<X509Certificate> certs(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    factory
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .forEach(c -> out.add((X509Certificate) c));
    return out;
  }
}
