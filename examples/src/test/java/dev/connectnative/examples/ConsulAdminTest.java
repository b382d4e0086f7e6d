package dev.connectnative.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AgentConfig;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.TestCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator client against the embedded dev agent, which answers like Consul 1.10. */
class ConsulAdminTest {
  private static final String MASTER = "c0ffee00-0000-4000-8000-000000000001";

  private DevAgent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void rotateCaInstallsANewActiveRootCrossSignedByTheOld() {
    agent = DevAgent.builder().start();
    TestCa before = agent.activeCa();

    admin(null).rotateCa();

    assertThat(agent.activeCa().publicKey()).isNotEqualTo(before.publicKey());
  }

  @Test
  void intentionsAreSetReplacedAndDeletedForTheExactPair() throws Exception {
    agent = DevAgent.builder().start();
    ConsulAdmin admin = admin(null);

    admin.deny("web", "echo");
    assertThat(check("web", "echo")).contains("\"Allowed\":false");
    admin.allow("web", "echo");
    assertThat(check("web", "echo")).contains("\"Allowed\":true");
    admin.deleteIntention("web", "echo");
    assertThat(agent.requestCount("/v1/connect/intentions/exact")).isEqualTo(3);
  }

  @Test
  void registerMakesAConnectNativeInstanceThatDeregisterRemoves() throws Exception {
    agent = DevAgent.builder().start();
    ConsulAdmin admin = admin(null);

    String id = admin.register("echo", "127.0.0.1", 9443);
    assertThat(id).isEqualTo("echo-9443");
    assertThat(get("/v1/health/connect/echo?passing")).contains("\"Native\":true", "9443");
    admin.deregister(id);
    assertThat(get("/v1/health/connect/echo?passing")).isEqualTo("[]");
  }

  @Test
  void refusalsNameTheRequestAndTheAgentsAnswer() {
    agent = DevAgent.builder().aclMasterToken(MASTER).start();

    assertThatThrownBy(() -> admin(null).deny("web", "echo"))
        .isInstanceOf(ConsulAdmin.AdminException.class)
        .hasMessage(
            "PUT /v1/connect/intentions/exact?source=web&destination=echo: agent answered 403"
                + " Permission denied");
    assertThatThrownBy(() -> admin(null).rotateCa())
        .hasMessageStartingWith("GET /v1/connect/ca/configuration: agent answered 403");
    admin(MASTER).deny("web", "echo");
  }

  @Test
  void unixSocketAgentsAreRefusedUpFront() {
    AgentConfig unix = AgentConfig.builder().address("unix:///run/consul.sock").build();

    assertThatThrownBy(() -> new ConsulAdmin(unix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/run/consul.sock");
  }

  @Test
  void newCaKeysAreSec1P256KeysWhosePublicPointMatchesTheSecret() {
    String pem = ConsulAdmin.newEcPrivateKeyPem();

    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI");
    String base64 =
        pem.replace("-----BEGIN EC PRIVATE KEY-----", "")
            .replace("-----END EC PRIVATE KEY-----", "");
    ECPrivateKey sec1 = ECPrivateKey.getInstance(Base64.getMimeDecoder().decode(base64.strip()));
    assertThat(sec1.getParametersObject()).isEqualTo(SECObjectIdentifiers.secp256r1);
    byte[] expectedPoint =
        ECNamedCurveTable.getParameterSpec("secp256r1")
            .getG()
            .multiply(sec1.getKey())
            .normalize()
            .getEncoded(false);
    assertThat(sec1.getPublicKey().getOctets()).isEqualTo(expectedPoint);
  }

  private ConsulAdmin admin(String token) {
    AgentConfig.Builder config = AgentConfig.builder().address(agent.address());
    if (token != null) {
      config.token(token);
    }
    return new ConsulAdmin(config.build());
  }

  private String check(String source, String destination) throws Exception {
    return get("/v1/connect/intentions/check?source=" + source + "&destination=" + destination)
        .replace(" ", "")
        .replace("\n", "");
  }

  private String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body().replace(" ", "").replace("\n", "");
  }
}
