package dev.connectnative.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.authz.AgentAuthorizer;
import dev.connectnative.testkit.DevAgent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path against the testkit's dev agent: real authorize answers, the service-intentions
 * config entry followed with blocking queries, real Jetty, real HTTPS clients.
 */
class DevAgentEndToEndTest {
  private static final String L7_PUBLIC_ONLY =
      "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
          + "{\"Name\":\"db\",\"Action\":\"deny\"},"
          + "{\"Name\":\"api\",\"Permissions\":[{\"Action\":\"allow\","
          + "\"HTTP\":{\"PathPrefix\":\"/public/\",\"Methods\":[\"GET\"]}}]}]}";

  private DevAgent agent;
  private AgentClient client;
  private AgentIntentions intentions;
  private EchoServer server;
  private Mesh mesh;
  private Mesh.Peer echo;

  @BeforeEach
  void start() throws Exception {
    agent = DevAgent.builder().start();
    AgentConfig config = AgentConfig.builder().address(agent.address()).build();
    client = AgentClient.create(config);
    intentions = AgentIntentions.watch(config, "echo", Duration.ofSeconds(2));
    mesh = new Mesh(agent.activeCa());
    echo = mesh.peer("echo");
    await().atMost(Duration.ofSeconds(10)).until(() -> intentions.current().isPresent());
    assertThat(intentions.current().orElseThrow().toString())
        .as("no config entry yet")
        .isEqualTo("ServiceIntentions[default/echo, 0 sources]");
    putConfigEntry(L7_PUBLIC_ONLY);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                intentions
                    .current()
                    .map(i -> i.governsAtLayer7(mesh.peer("api").id()))
                    .orElse(false));
    server =
        new EchoServer(
            "echo",
            echo.serverContext(),
            new AgentAuthorizer(client),
            intentions,
            ConnectFilter.builder()
                .service("echo")
                .intentions(intentions)
                .defaultAllow(false) // overrides the agent's default (allow, ACLs being off)
                .build(),
            b -> {});
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    intentions.close();
    client.close();
    agent.close();
  }

  private void putConfigEntry(String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/v1/config"))
                    .PUT(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private OkHttpClient okHttp(Mesh.Peer caller) {
    ExpectingTrustManager trust = caller.clientTrustManager(echo.id());
    return new OkHttpClient.Builder()
        .sslSocketFactory(caller.clientContext(trust).getSocketFactory(), trust)
        .hostnameVerifier((host, session) -> true)
        .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1))
        .build();
  }

  private Response get(OkHttpClient http, String path) throws IOException {
    return http.newCall(
            new Request.Builder().url("https://localhost:" + server.port() + path).build())
        .execute();
  }

  @Test
  void allowedByTheAgentDefaultSeesItsIdentityOverHttp2() throws Exception {
    Mesh.Peer web = mesh.peer("web");

    try (Response response = get(okHttp(web), "/hello")) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(response.body().string())
          .contains("caller=" + web.id())
          .contains("protocol=HTTP/2.0");
    }
  }

  @Test
  void deniedByAnL4IntentionIsRefusedAtTheHandshake() {
    Mesh.Peer db = mesh.peer("db");

    assertThatThrownBy(() -> get(okHttp(db), "/hello").close()).isInstanceOf(IOException.class);
    assertThat(server.served).hasValue(0);
  }

  @Test
  void l7IntentionFromTheAgentAllowsGetPublicOnlyAndFollowsChangesLive() throws Exception {
    OkHttpClient api = okHttp(mesh.peer("api"));

    try (Response allowed = get(api, "/public/index.html");
        Response refused = get(api, "/private")) {
      assertThat(allowed.code()).isEqualTo(200);
      assertThat(refused.code()).isEqualTo(403);
      assertThat(refused.body().string())
          .contains("Matched L7 intention: default/api")
          .endsWith("the default is to deny (set on this filter)");
    }

    putConfigEntry(
        "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
            + "{\"Name\":\"api\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"PathPrefix\":\"/\"}}]}]}");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              try (Response now = get(api, "/private")) {
                assertThat(now.code()).isEqualTo(200);
              }
            });
    assertThat(api.connectionPool().connectionCount())
        .as("the change applied on the open connection")
        .isEqualTo(1);
  }
}
