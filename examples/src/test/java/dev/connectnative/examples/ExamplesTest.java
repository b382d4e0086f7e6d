package dev.connectnative.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.connectnative.AgentConfig;
import dev.connectnative.examples.demo.Demo;
import dev.connectnative.examples.grpc.GrpcExample;
import dev.connectnative.examples.jetty.JettyExample;
import dev.connectnative.examples.netty.NettyEchoExample;
import dev.connectnative.examples.okhttp.OkHttpExample;
import dev.connectnative.testkit.DevAgent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs every example against the embedded dev agent, as {@code ./demo.sh <example>} does. */
class ExamplesTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, UTF_8);
  private Mesh mesh;

  @BeforeEach
  void startMesh() {
    mesh = Mesh.startEmbedded();
  }

  @AfterEach
  void stopMesh() {
    mesh.close();
  }

  @Test
  void meshWithoutConsulHttpAddrIsTheEmbeddedAgent() {
    assertThat(mesh.embedded()).isTrue();
    assertThat(mesh.description()).startsWith("the embedded dev agent");
    assertThat(mesh.agent().transport().name()).isEqualTo("HTTP");
  }

  @Test
  void meshOfARealAgentDescribesItWithoutTheToken() {
    try (Mesh real =
        Mesh.connect(
            AgentConfig.builder().address("https://consul.local:8501").token("s3cr3t").build())) {
      assertThat(real.embedded()).isFalse();
      assertThat(real.description())
          .isEqualTo("the Consul agent at https://consul.local:8501, with an ACL token");
    }
  }

  @Test
  void demoTellsTheWholeStoryAndSucceeds() {
    int status = Demo.run(mesh, out);

    String story = output();
    assertThat(status).as(story).isZero();
    assertThat(story)
        .contains("[1/5] The agent", "[5/5] The CA rotates")
        .contains("ok: web's open connection to be closed by echo")
        .contains("Action: DENY")
        .contains("ok: the connection opened before the rotation to keep working")
        .contains("ok: echo's new leaf to be signed by the new root")
        .endsWith("The story held: every step behaved as expected." + System.lineSeparator());
  }

  @Test
  void demoFailsWhenTheAgentRefusesTheOperator() {
    try (DevAgent acl =
            DevAgent.builder().aclMasterToken("c0ffee00-0000-4000-8000-000000000001").start();
        Mesh withoutToken = Mesh.connect(AgentConfig.builder().address(acl.address()).build())) {
      int status = Demo.run(withoutToken, out);

      assertThat(status).as(output()).isNotZero();
      assertThat(output())
          .contains("DEMO FAILED: ")
          .doesNotContain("\tat ")
          .contains(
              "PUT /v1/connect/intentions/exact?source=web&destination=echo: agent answered 403");
    }
  }

  @Test
  void jettyAnswersWithTheCallersIdentity() throws Exception {
    new JettyExample().run(mesh, out);

    assertThat(output())
        .contains("web GET https://api.service.consul/hello -> 200")
        .containsPattern("api answers GET /hello from spiffe://[^/]+/ns/default/dc/dc1/svc/web");
  }

  @Test
  void okHttpCallsEchoByHostName() throws Exception {
    new OkHttpExample().run(mesh, out);

    assertThat(output())
        .contains("web GET https://echo.service.consul/ -> 200")
        .containsPattern("echo answers GET / from spiffe://[^/]+/ns/default/dc/dc1/svc/web");
  }

  @Test
  void nettyEchoesWithBothIdentities() throws Exception {
    new NettyEchoExample().run(mesh, out);

    assertThat(output())
        .containsPattern("web connected to spiffe://[^/]+/ns/default/dc/dc1/svc/echo")
        .containsPattern("netty echo saw you as spiffe://[^/]+/ns/default/dc/dc1/svc/web");
  }

  @Test
  void grpcCallCarriesTheCallersIdentity() throws Exception {
    new GrpcExample().run(mesh, out);

    assertThat(output())
        .contains("greeter -> web: hello web, greeter saw you as spiffe://")
        .containsPattern("greeter saw you as spiffe://[^/]+/ns/default/dc/dc1/svc/web");
  }

  private String output() {
    return bytes.toString(UTF_8);
  }
}
