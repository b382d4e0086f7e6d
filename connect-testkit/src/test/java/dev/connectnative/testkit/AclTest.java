package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AclTest {
  private static final String MASTER = "c0ffee00-0000-4000-8000-000000000001";
  private final DevAgent agent = DevAgent.builder().aclMasterToken(MASTER).start();
  private final AgentHttp http = new AgentHttp(agent);
  private final String echoToken = agent.createServiceToken("echo");

  @AfterEach
  void close() {
    agent.close();
  }

  private String authorizeBody(String target, String source) {
    return "{\"Target\":\"" + target + "\",\"ClientCertURI\":\"" + agent.serviceUri(source) + "\"}";
  }

  @Test
  void rootsAreReadableWithoutOrWithAnUnknownToken() {
    assertThat(http.get("/v1/agent/connect/ca/roots").status()).isEqualTo(200);
    assertThat(http.get("/v1/agent/connect/ca/roots", "X-Consul-Token", "nope").status())
        .isEqualTo(200);
    assertThat(http.get("/v1/agent/connect/ca/roots").header("X-Consul-Default-Acl-Policy"))
        .isEqualTo("deny");
  }

  @Test
  void leafNeedsServiceWriteOnThatService() {
    assertThat(http.get("/v1/agent/connect/ca/leaf/echo"))
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo(403);
              assertThat(a.body()).isEqualTo("Permission denied");
            });
    assertThat(http.get("/v1/agent/connect/ca/leaf/echo", "X-Consul-Token", "bogus").body())
        .isEqualTo("ACL not found");
    assertThat(http.get("/v1/agent/connect/ca/leaf/echo?token=bogus").body())
        .isEqualTo("ACL not found");
    assertThat(http.get("/v1/agent/connect/ca/leaf/echo", "X-Consul-Token", echoToken).status())
        .isEqualTo(200);
    assertThat(
            http.get("/v1/agent/connect/ca/leaf/echo", "Authorization", "Bearer " + echoToken)
                .status())
        .isEqualTo(200);
    assertThat(http.get("/v1/agent/connect/ca/leaf/echo?token=" + echoToken).status())
        .isEqualTo(200);
    assertThat(http.get("/v1/agent/connect/ca/leaf/web", "X-Consul-Token", echoToken).status())
        .isEqualTo(403);
    assertThat(http.get("/v1/agent/connect/ca/leaf/web", "X-Consul-Token", MASTER).status())
        .isEqualTo(200);
    assertThat(agent.requests())
        .anySatisfy(r -> assertThat(r.query()).isEqualTo("token=<redacted>"));
  }

  @Test
  void authorizeValidatesTheBodyBeforeTheTokenThenDeniesByDefault() {
    assertThat(http.post("/v1/agent/connect/authorize", "{}").status()).isEqualTo(400);
    assertThat(http.post("/v1/agent/connect/authorize", authorizeBody("echo", "web")).body())
        .isEqualTo("Permission denied");
    assertThat(
            http.post(
                    "/v1/agent/connect/authorize",
                    authorizeBody("echo", "web"),
                    "X-Consul-Token",
                    "x")
                .body())
        .isEqualTo("ACL not found");
    assertThat(
            http.post(
                    "/v1/agent/connect/authorize",
                    authorizeBody("web", "db"),
                    "X-Consul-Token",
                    echoToken)
                .status())
        .isEqualTo(403);
    AgentHttp.Answer denied =
        http.post(
            "/v1/agent/connect/authorize",
            authorizeBody("echo", "web"),
            "X-Consul-Token",
            echoToken);
    assertThat(denied.json().path("Authorized").asBoolean()).isFalse();
    assertThat(denied.json().path("Reason").asText())
        .isEqualTo("Default behavior configured by ACLs");
    agent.createIntention("web", "echo", IntentionAction.ALLOW);
    AgentHttp.Answer allowed =
        http.post(
            "/v1/agent/connect/authorize", authorizeBody("echo", "web"), "X-Consul-Token", MASTER);
    assertThat(allowed.json().path("Authorized").asBoolean()).isTrue();
  }

  @Test
  void healthIsFilteredSilentlyWithoutNodeRead() {
    agent.registerService("echo", 9090);
    assertThat(http.get("/v1/health/connect/echo").json()).isEmpty();
    assertThat(http.get("/v1/health/connect/echo", "X-Consul-Token", echoToken).json()).isEmpty();
    assertThat(http.get("/v1/health/connect/echo", "X-Consul-Token", MASTER).json()).hasSize(1);
  }

  @Test
  void writesNeedTheRightToken() {
    assertThat(http.put("/v1/agent/service/register", "{\"Name\":\"other\",\"Port\":1}").body())
        .isEqualTo("Permission denied: Missing service:write on other");
    assertThat(
            http.put(
                    "/v1/agent/service/register",
                    "{\"Name\":\"echo\",\"Port\":1}",
                    "X-Consul-Token",
                    echoToken)
                .status())
        .isEqualTo(200);
    assertThat(
            http.post(
                    "/v1/connect/intentions",
                    "{\"SourceName\":\"web\",\"DestinationName\":\"echo\",\"Action\":\"allow\"}")
                .status())
        .isEqualTo(403);
    assertThat(http.get("/v1/connect/ca/configuration").body()).isEqualTo("Permission denied");
    assertThat(http.get("/v1/connect/ca/configuration", "X-Consul-Token", MASTER).status())
        .isEqualTo(200);
    assertThat(http.get("/v1/agent/self").status()).isEqualTo(403);
  }

  @Test
  void tokensNeedAclMode() {
    DevAgent open = DevAgent.builder().start();
    try {
      assertThatThrownBy(() -> open.createServiceToken("echo"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ACLs are off");
    } finally {
      open.close();
    }
  }
}
