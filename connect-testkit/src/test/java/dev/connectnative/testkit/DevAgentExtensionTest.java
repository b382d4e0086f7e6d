package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevAgentExtensionTest {
  @RegisterExtension
  static DevAgentExtension agent =
      DevAgentExtension.builder()
          .agentOptions(b -> b.datacenter("dc7").leafRenewJitter(Duration.ZERO))
          .service("echo", 9090)
          .intention("web", "echo", IntentionAction.ALLOW)
          .intention("*", "echo", IntentionAction.DENY)
          .build();

  private static DevAgent first;

  @Test
  @Order(1)
  void startsTheAgentWithServicesAndIntentions(DevAgent injected) {
    first = injected;
    assertThat(injected).isSameAs(agent.agent());
    assertThat(agent.address()).isEqualTo(injected.address());
    AgentHttp http = new AgentHttp(injected);
    JsonNode health = http.get("/v1/health/connect/echo?passing").json();
    assertThat(health).hasSize(1);
    assertThat(health.get(0).path("Node").path("Datacenter").asText()).isEqualTo("dc7");
    JsonNode allowed =
        http.post(
                "/v1/agent/connect/authorize",
                "{\"Target\":\"echo\",\"ClientCertURI\":\"" + injected.serviceUri("web") + "\"}")
            .json();
    assertThat(allowed.path("Authorized").asBoolean()).isTrue();
    JsonNode denied =
        http.post(
                "/v1/agent/connect/authorize",
                "{\"Target\":\"echo\",\"ClientCertURI\":\"" + injected.serviceUri("db") + "\"}")
            .json();
    assertThat(denied.path("Authorized").asBoolean()).isFalse();
  }

  @Test
  @Order(2)
  void keepsOneAgentForTheClassWhenStatic(DevAgent injected) {
    assertThat(injected).isSameAs(first);
  }
}
