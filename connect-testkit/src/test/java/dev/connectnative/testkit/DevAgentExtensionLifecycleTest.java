package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

class DevAgentExtensionLifecycleTest {
  @Test
  void perTestScopeStartsAndClosesTheAgent() {
    DevAgentExtension extension = DevAgentExtension.builder().service("echo", 1).build();
    ExtensionContext context = null;
    assertThatThrownBy(extension::agent).isInstanceOf(IllegalStateException.class);
    extension.beforeEach(context);
    DevAgent agent = extension.agent();
    assertThat(new AgentHttp(agent).get("/v1/catalog/connect/echo").json()).hasSize(1);
    extension.afterEach(context);
    assertThatThrownBy(extension::agent).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new AgentHttp(agent).get("/v1/agent/connect/ca/roots"))
        .hasCauseInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void settingOptionsTwiceIsRefused() {
    assertThatThrownBy(
            () -> DevAgentExtension.builder().agentOptions(b -> {}).agentOptions(b -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
