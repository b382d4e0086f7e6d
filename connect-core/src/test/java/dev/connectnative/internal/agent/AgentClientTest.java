package dev.connectnative.internal.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.connectnative.internal.agent.WireMockAgent.recorded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentClientTest {
  private final WireMockAgent agent = new WireMockAgent();
  private final AgentClient client = agent.client();

  @AfterEach
  void stop() {
    client.close();
    agent.close();
  }

  @Test
  void decodesRecordedRoots() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots").willReturn(recorded("05-ca-roots.http")));

    Indexed<CaRoots> roots = client.roots(QueryOptions.NONE);

    assertThat(roots.index()).isEqualTo(9);
    CaRoots value = roots.value();
    assertThat(value.trustDomain()).isEqualTo("3779268c-d290-379c-fa43-991e61fd2ae8.consul");
    assertThat(value.roots()).hasSize(1);
    CaRoot root = value.activeRoot().orElseThrow();
    assertThat(root.serialNumber()).isEqualTo(7);
    assertThat(root.signingKeyId()).startsWith("b1:bb:d5:7c");
    assertThat(root.intermediateCertsPem()).isEmpty();
    assertThat(root.active()).isTrue();
    assertThat(root.privateKeyType()).isEqualTo("ec");
    assertThat(root.privateKeyBits()).isEqualTo(256);
    assertThat(root.notAfter()).isEqualTo(Instant.parse("2036-11-21T09:30:17Z"));
    assertThat(root.rootCertPem()).startsWith("-----BEGIN CERTIFICATE-----\nMIIC");
  }

  @Test
  void decodesRootsAfterRotationWithCrossSignedIntermediates() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots").willReturn(recorded("40-ca-roots-after-rotation.http")));

    CaRoots roots = client.roots(QueryOptions.NONE).value();

    assertThat(roots.roots()).hasSize(2);
    CaRoot active = roots.activeRoot().orElseThrow();
    assertThat(active.active()).isTrue();
    assertThat(active.intermediateCertsPem()).hasSize(1);
    assertThat(roots.roots().stream().filter(r -> !r.active())).hasSize(1);
  }

  @Test
  void decodesRecordedLeafAndRedactsTheKey() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/leaf/web").willReturn(recorded("08-leaf-web.http")));

    Indexed<LeafCert> leaf = client.leaf("web", QueryOptions.NONE);

    assertThat(leaf.index()).isEqualTo(17);
    assertThat(leaf.value().serialNumber()).isEqualTo("08");
    assertThat(leaf.value().service()).isEqualTo("web");
    assertThat(leaf.value().serviceUri()).endsWith("/ns/default/dc/dc1/svc/web");
    assertThat(leaf.value().validBefore()).isEqualTo(Instant.parse("2026-11-24T09:29:40Z"));
    assertThat(leaf.value().privateKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(leaf.value().toString())
        .contains("privateKeyPem=<redacted>")
        .doesNotContain("PRIVATE KEY-----");
  }

  @Test
  void leafServiceNameIsOnePathSegment() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/leaf/a%2Fb").willReturn(recorded("08-leaf-web.http")));

    assertThat(client.leaf("a/b", QueryOptions.NONE).value().serialNumber()).isEqualTo("08");
  }

  @Test
  void blockingReadSendsIndexAndWaitAndWidensTheReadTimeout() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/agent/connect/ca/roots"))
            .willReturn(recorded("07-ca-roots-blocking-wait2s.http")));

    AgentCall<CaRoots> call = client.rootsCall(QueryOptions.blocking(9, Duration.ofSeconds(2)));
    assertThat(call.execute().index()).isEqualTo(9);

    agent.server.verify(
        getRequestedFor(urlEqualTo("/v1/agent/connect/ca/roots?index=9&wait=2000ms")));
    // wait + wait/16 + margin (300 ms in this test client)
    assertThat(call.readTimeout()).isEqualTo(Duration.ofMillis(2000 + 125 + 300));
    AgentCall<CaRoots> production =
        AgentClient.create(agent.config())
            .rootsCall(QueryOptions.blocking(9, Duration.ofMinutes(10)));
    assertThat(production.readTimeout())
        .isGreaterThan(Duration.ofMinutes(10).plus(Duration.ofMinutes(10).dividedBy(16)));
  }

  @Test
  void authorizePostsTheRecordedBody() {
    agent.server.stubFor(
        post("/v1/agent/connect/authorize")
            .willReturn(recorded("18-authorize-web-to-echo-allowed.http")));
    String uri = "spiffe://3779268c-d290-379c-fa43-991e61fd2ae8.consul/ns/default/dc/dc1/svc/web";

    AuthorizeResult result = client.authorize("echo", uri, "08");

    assertThat(result.authorized()).isTrue();
    assertThat(result.reason())
        .isEqualTo(
            "Matched L4 intention: default/web => default/echo (Precedence: 9, Action: ALLOW)");
    agent.server.verify(
        postRequestedFor(urlEqualTo("/v1/agent/connect/authorize"))
            .withRequestBody(
                equalToJson(
                    "{\"Target\":\"echo\",\"ClientCertURI\":\""
                        + uri
                        + "\",\"ClientCertSerial\":\"08\"}")));
  }

  @Test
  void permissionDeniedCarriesStatusPathAndAgentText() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/agent/connect/ca/leaf/web"))
            .willReturn(recorded("acl-07-leaf-web-no-token.http")));

    assertThatThrownBy(() -> client.leaf("web", QueryOptions.blocking(17, Duration.ofSeconds(1))))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.isPermissionDenied()).isTrue();
              assertThat(e.path()).isEqualTo("/v1/agent/connect/ca/leaf/web");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "no leaf certificate for service \"web\": agent answered 403 Permission denied");
            });
  }

  @Test
  void serverErrorIsReportedWithTheAgentText() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots")
            .willReturn(recorded("nondev-00a-ca-roots-during-startup.http")));

    assertThatThrownBy(() -> client.roots(QueryOptions.NONE))
        .isInstanceOf(AgentException.class)
        .hasMessage("no CA roots: agent answered 500 No cluster leader")
        .extracting(e -> ((AgentException) e).status())
        .isEqualTo(500);
  }

  @Test
  void malformedJsonIsAnAgentExceptionWithStatus200() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots")
            .willReturn(aResponse().withStatus(200).withBody("{\"Roots\": [")));

    assertThatThrownBy(() -> client.roots(QueryOptions.NONE))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.getMessage())
                  .startsWith(
                      "no CA roots: malformed answer from agent for /v1/agent/connect/ca/roots:")
                  .contains("not valid JSON");
              assertThat(e.getCause()).isNull();
            });
  }

  @Test
  void wrongFieldTypesAreNamed() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"ActiveRootID\":\"a\",\"TrustDomain\":\"t\",\"Roots\":[{\"ID\":\"a\","
                            + "\"SerialNumber\":\"07\",\"SigningKeyID\":\"b\",\"RootCert\":\"x\"}]}")));
    agent.server.stubFor(
        get("/v1/agent/connect/ca/leaf/web")
            .willReturn(aResponse().withStatus(200).withBody("{\"SerialNumber\": 8}")));

    assertThatThrownBy(() -> client.roots(QueryOptions.NONE))
        .hasMessageEndingWith("field \"Roots[0].SerialNumber\" is not an integer but a string");
    assertThatThrownBy(() -> client.leaf("web", QueryOptions.NONE))
        .hasMessageEndingWith("field \"SerialNumber\" is not a string but a number");
  }

  @Test
  void resetConnectionIsStatusZero() {
    agent.server.stubFor(
        get("/v1/agent/connect/ca/roots")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThatThrownBy(() -> client.roots(QueryOptions.NONE))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.path()).isEqualTo("/v1/agent/connect/ca/roots");
              assertThat(e.getMessage()).startsWith("no CA roots: agent did not answer: ");
            });
  }

  @Test
  void refusedConnectionIsStatusZero() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (AgentClient down =
        AgentClient.create(AgentConfig.builder().address("127.0.0.1:" + port).build())) {
      assertThatThrownBy(() -> down.agentSelf())
          .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero());
    }
  }

  @Test
  void healthConnectSendsFiltersAndDecodesEntries() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/health/connect/echo"))
            .willReturn(recorded("50-health-connect-echo-passing-with-critical.http")));

    Indexed<List<ServiceEntry>> entries =
        client.healthConnect(
            "echo",
            new HealthQuery(true, "dc1", null, null, "Service.Tags contains \"v2\"", "v2"),
            QueryOptions.NONE);

    assertThat(entries.index()).isEqualTo(42);
    ServiceEntry e = entries.value().get(0);
    assertThat(e.service()).isEqualTo("echo");
    assertThat(e.dialAddress()).isEqualTo("127.0.0.1");
    assertThat(e.port()).isEqualTo(5678);
    assertThat(e.connectNative()).isTrue();
    assertThat(e.meta()).isEmpty();
    assertThat(e.checks()).extracting(HealthCheck::status).containsOnly("passing");
    agent.server.verify(
        getRequestedFor(urlPathEqualTo("/v1/health/connect/echo"))
            .withQueryParam("passing", equalTo(""))
            .withQueryParam("dc", equalTo("dc1"))
            .withQueryParam("tag", equalTo("v2"))
            .withQueryParam("filter", equalTo("Service.Tags contains \"v2\"")));
  }

  @Test
  void preparedQueryAsksForConnectInstances() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/query/echo-q/execute"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "{\"Service\":\"echo\",\"Nodes\":"
                            + Golden.load("10-health-connect-echo-passing.http").body()
                            + ",\"DNS\":{\"TTL\":\"\"},\"Datacenter\":\"dc1\",\"Failovers\":0}")));

    PreparedQueryResult result = client.executePreparedQuery("echo-q", QueryOptions.NONE).value();

    assertThat(result.service()).isEqualTo("echo");
    assertThat(result.datacenter()).isEqualTo("dc1");
    assertThat(result.nodes()).isNotEmpty();
    agent.server.verify(
        getRequestedFor(urlPathEqualTo("/v1/query/echo-q/execute"))
            .withQueryParam("connect", equalTo("true")));
  }

  @Test
  void intentionsMatchReturnsTheDestinationsList() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/connect/intentions/match"))
            .willReturn(recorded("16-intentions-match.http")));

    Indexed<List<Intention>> match = client.intentionsMatch("echo", QueryOptions.NONE);

    assertThat(match.index()).isEqualTo(23);
    assertThat(match.value())
        .extracting(Intention::sourceName, Intention::action, Intention::precedence)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("db", "deny", 9),
            org.assertj.core.groups.Tuple.tuple("web", "allow", 9),
            org.assertj.core.groups.Tuple.tuple("*", "deny", 5));
    assertThat(match.value().get(2).id()).isEqualTo("1b9b46ea-3cd5-9dfe-b84d-1af7302ec2d9");
    agent.server.verify(
        getRequestedFor(urlPathEqualTo("/v1/connect/intentions/match"))
            .withQueryParam("by", equalTo("destination"))
            .withQueryParam("name", equalTo("echo")));
  }

  @Test
  void serviceIntentionsConfigEntryIsRawJsonOrEmptyOn404() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/config/service-intentions/echo"))
            .willReturn(recorded("36b-config-service-intentions-echo.http")));
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/config/service-intentions/none"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody("Config entry not found for \"service-intentions\" / \"none\"")));

    Indexed<Optional<JsonNode>> entry =
        client.serviceIntentionsConfigEntry("echo", QueryOptions.NONE);

    assertThat(entry.value()).isPresent();
    assertThat(entry.value().get().get("Kind").asText()).isEqualTo("service-intentions");
    assertThat(entry.index()).isPositive();
    assertThat(client.serviceIntentionsConfigEntry("none", QueryOptions.NONE).value()).isEmpty();
  }

  @Test
  void answersCarryTheDefaultAclPolicyHeader() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/config/service-intentions/echo"))
            .willReturn(recorded("36b-config-service-intentions-echo.http")));
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/config/service-intentions/none"))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("X-Consul-Default-Acl-Policy", "deny")
                    .withBody("Config entry not found for \"service-intentions\" / \"none\"")));
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/config/service-intentions/bare"))
            .willReturn(aResponse().withStatus(404)));

    assertThat(client.serviceIntentionsConfigEntry("echo", QueryOptions.NONE).defaultAclPolicy())
        .as("recorded from Consul 1.10.4 with ACLs off")
        .contains("allow");
    assertThat(client.serviceIntentionsConfigEntry("none", QueryOptions.NONE).defaultAclPolicy())
        .contains("deny");
    assertThat(client.serviceIntentionsConfigEntry("bare", QueryOptions.NONE).defaultAclPolicy())
        .isEmpty();
  }

  @Test
  void agentSelfGivesDatacenterNodeAndVersion() {
    agent.server.stubFor(get("/v1/agent/self").willReturn(recorded("01-agent-self.http")));

    AgentSelf self = client.agentSelf();

    assertThat(self.datacenter()).isEqualTo("dc1");
    assertThat(self.version()).isEqualTo("1.10.4");
    assertThat(self.nodeName()).isNotEmpty();
  }

  @Test
  void registrationDeregistrationAndTtlPass() {
    agent.server.stubFor(put(urlPathEqualTo("/v1/agent/service/register")).willReturn(aResponse()));
    agent.server.stubFor(
        put(urlPathEqualTo("/v1/agent/service/deregister/web-1")).willReturn(aResponse()));
    agent.server.stubFor(
        put(urlPathEqualTo("/v1/agent/check/pass/service:web-1")).willReturn(aResponse()));

    client.registerService(
        new ServiceRegistration(
            "web-1",
            "web",
            "127.0.0.1",
            9000,
            List.of("v1"),
            Map.of("k", "v"),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1)));
    client.passTtlCheck("service:web-1");
    client.deregisterService("web-1");

    agent.server.verify(
        putRequestedFor(urlEqualTo("/v1/agent/service/register"))
            .withRequestBody(matchingJsonPath("$.Connect.Native", equalTo("true")))
            .withRequestBody(matchingJsonPath("$.ID", equalTo("web-1")))
            .withRequestBody(matchingJsonPath("$.Port", equalTo("9000")))
            .withRequestBody(matchingJsonPath("$.Check.TTL", equalTo("10000ms")))
            .withRequestBody(matchingJsonPath("$.Check.CheckID", equalTo("service:web-1"))));
    agent.server.verify(putRequestedFor(urlEqualTo("/v1/agent/check/pass/service:web-1")));
    agent.server.verify(putRequestedFor(urlEqualTo("/v1/agent/service/deregister/web-1")));
  }

  @Test
  void registrationRefusalNamesTheService() {
    agent.server.stubFor(
        put(urlPathEqualTo("/v1/agent/service/register"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody("Permission denied: Missing service:write on other")));

    assertThatThrownBy(() -> client.registerService(ServiceRegistration.of("web", "", 9000)))
        .hasMessage(
            "cannot register service \"web\": agent answered 403 Permission denied: Missing"
                + " service:write on other");
  }

  @Test
  void tokenFileWinsOverTokenAndIsTrimmedAndNamespaceIsSent(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, "  from-file-token\n");
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/agent/self")).willReturn(recorded("01-agent-self.http")));
    AgentConfig config =
        AgentConfig.builder()
            .address("http://127.0.0.1:" + agent.server.port())
            .token("from-env-token")
            .tokenFile(file)
            .namespace("team-a")
            .build();

    try (AgentClient c = AgentClient.create(config)) {
      c.agentSelf();
    }

    agent.server.verify(
        getRequestedFor(urlPathEqualTo("/v1/agent/self"))
            .withHeader("X-Consul-Token", equalTo("from-file-token"))
            .withQueryParam("ns", equalTo("team-a")));
  }

  @Test
  void tokenIsSentWhenThereIsNoFileAndPathPrefixIsKept() {
    agent.server.stubFor(
        get(urlPathEqualTo("/consul/v1/agent/self")).willReturn(recorded("01-agent-self.http")));
    AgentConfig config =
        AgentConfig.builder()
            .address("http://127.0.0.1:" + agent.server.port() + "/consul/")
            .token("secret-token")
            .build();

    try (AgentClient c = AgentClient.create(config)) {
      assertThat(c.agentSelf().datacenter()).isEqualTo("dc1");
    }

    agent.server.verify(
        getRequestedFor(urlEqualTo("/consul/v1/agent/self"))
            .withHeader("X-Consul-Token", equalTo("secret-token")));
  }

  @Test
  void unreadableTokenFileFailsAtCreation(@TempDir Path dir) {
    AgentConfig config = AgentConfig.builder().tokenFile(dir.resolve("missing")).build();

    assertThatThrownBy(() -> AgentClient.create(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the Consul ACL token file")
        .hasMessageContaining("missing");
  }

  @Test
  void asyncCallCanBeCancelled() {
    agent.server.stubFor(
        get(urlPathEqualTo("/v1/agent/connect/ca/roots"))
            .willReturn(recorded("05-ca-roots.http").withFixedDelay(600_000)));

    var future = client.rootsCall(QueryOptions.blocking(9, Duration.ofMinutes(10))).executeAsync();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !agent.server.getAllServeEvents().isEmpty());
    long start = System.nanoTime();
    future.cancel(true);

    assertThat(future).isCancelled();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> client.httpClient().dispatcher().runningCallsCount() == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
