package dev.connectnative.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.Connect;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.identity.AgentIdentitySource;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ready service whose agent (WireMock) starts answering badly: every fault is reported with a
 * message naming it (status, {@code onAgentError}), the last good identity keeps serving real
 * handshakes, no thread is left behind, and a healed agent's next leaf is taken up.
 */
class AgentFaultsTest {
  private static final String ROOTS = "/v1/agent/connect/ca/roots";
  private static final String LEAF = "/v1/agent/connect/ca/leaf/web";
  private static final Duration AWAIT = Duration.ofSeconds(20);
  private static final TestCa CA = TestCa.create();
  private static final IssuedLeaf FIRST = CA.leaf("web");
  private static final IssuedLeaf HEALED = CA.leaf("web");
  private static final IssuedLeaf ECHO = CA.leaf("echo");

  private static StaticIdentitySource echoSource;
  private static ConnectService echo;
  private static EchoAcceptor echoServer;

  @BeforeAll
  static void startEcho() throws IOException {
    echoSource =
        StaticIdentitySource.fromPem(CA.rootPem(), ECHO.certificatePem(), ECHO.privateKeyPem());
    echo =
        Connect.service("echo")
            .identitySource(echoSource)
            .authorizer(
                request ->
                    CompletableFuture.completedFuture(
                        AuthorizationDecision.allow("every client may call this echo")))
            .build();
    echoServer =
        new EchoAcceptor(
            echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())));
  }

  @AfterAll
  static void stopEcho() throws IOException {
    echoServer.close();
    echo.close();
    echoSource.close();
  }

  static Stream<Arguments> faults() {
    ObjectNode wrongTypes = AgentAnswers.leaf(HEALED, "web", 12);
    wrongTypes.put("SerialNumber", 8);
    ObjectNode rootsWrongTypes = AgentAnswers.roots(CA);
    rootsWrongTypes.put("Roots", "all of them");
    ObjectNode truncatedPem = AgentAnswers.leaf(HEALED, "web", 12);
    String pem = HEALED.certificatePem();
    truncatedPem.put("CertPEM", pem.substring(0, pem.length() / 2));
    ObjectNode corruptPem = AgentAnswers.leaf(HEALED, "web", 12);
    corruptPem.put("CertPEM", corrupt(pem));
    ObjectNode corruptKey = AgentAnswers.leaf(HEALED, "web", 12);
    corruptKey.put("PrivateKeyPEM", corrupt(HEALED.privateKeyPem()));
    ObjectNode mismatch = AgentAnswers.leaf(HEALED, "web", 12);
    mismatch.put("PrivateKeyPEM", ECHO.privateKeyPem());
    ObjectNode noActiveRoot = AgentAnswers.roots(CA);
    noActiveRoot.put("ActiveRootID", "00:11:22");
    ObjectNode otherService = AgentAnswers.leaf(ECHO, "web", 12);
    return Stream.of(
        Arguments.of(
            "leaf 403",
            LEAF,
            status(403, "Permission denied"),
            "agent answered 403 Permission denied"),
        Arguments.of(
            "leaf 429",
            LEAF,
            status(
                429,
                "Your IP is issuing too many concurrent connections, please rate limit your calls"),
            "agent answered 429 Your IP"),
        Arguments.of(
            "leaf 500",
            LEAF,
            status(500, "rpc error making call: No cluster leader"),
            "agent answered 500 rpc error making call: No cluster leader"),
        Arguments.of(
            "leaf 503",
            LEAF,
            status(503, "Service Unavailable"),
            "agent answered 503 Service Unavailable"),
        Arguments.of(
            "roots 500",
            ROOTS,
            status(500, "rpc error making call: No cluster leader"),
            "no CA roots: agent answered 500"),
        Arguments.of(
            "leaf malformed JSON",
            LEAF,
            json("{\"SerialNumber\": \"0a\", \"CertPEM\": "),
            "the answer is not valid JSON"),
        Arguments.of(
            "leaf wrong types",
            LEAF,
            json(wrongTypes.toString()),
            "field \"SerialNumber\" is not a string but a number"),
        Arguments.of(
            "roots wrong types",
            ROOTS,
            json(rootsWrongTypes.toString()),
            "\"Roots\" is not a JSON array but a string"),
        Arguments.of(
            "leaf truncated PEM",
            LEAF,
            json(truncatedPem.toString()),
            "leaf certificate PEM is malformed PEM (-----END CERTIFICATE----- not found"),
        Arguments.of("leaf corrupt PEM", LEAF, json(corruptPem.toString()), "leaf certificate PEM"),
        Arguments.of(
            "leaf corrupt key",
            LEAF,
            json(corruptKey.toString()),
            "leaf private key PEM: the EC PRIVATE KEY block is not a valid key structure"),
        Arguments.of(
            "leaf key not matching its certificate",
            LEAF,
            json(mismatch.toString()),
            "does not match"),
        Arguments.of(
            "leaf of another service",
            LEAF,
            json(otherService.toString()),
            "when asked for service \"web\""),
        Arguments.of(
            "roots without an active root",
            ROOTS,
            json(noActiveRoot.toString()),
            "no active root: ActiveRootID \"00:11:22\""),
        Arguments.of(
            "leaf connection reset",
            LEAF,
            aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
            "agent did not answer"),
        Arguments.of(
            "leaf garbage then close",
            LEAF,
            aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
            "agent did not answer"),
        Arguments.of(
            "leaf body cut short",
            LEAF,
            aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
            "agent did not answer"),
        Arguments.of(
            "leaf slower than the read timeout",
            LEAF,
            json(AgentAnswers.leaf(HEALED, "web", 12).toString()).withFixedDelay(6_000),
            "agent did not answer in time"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void lastGoodIdentityKeepsServingThroughAFaultAndTheHealedAgentIsFollowed(
      String name, String path, ResponseDefinitionBuilder fault, String expected) throws Exception {
    ThreadCensus census = ThreadCensus.take("reliability-echo-", "connect-echo");
    List<ConnectException> reported = new CopyOnWriteArrayList<>();
    WireMockServer agent = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    agent.start();
    AgentClient client =
        AgentClient.create(AgentConfig.builder().address("127.0.0.1:" + agent.port()).build());
    AgentIdentitySource source = null;
    ConnectService web = null;
    try {
      answerWell(agent, FIRST, 10, 5);
      source =
          AgentIdentitySource.builder(client, "web")
              .maxWait(Duration.ofMillis(500))
              .minInterval(Duration.ofMillis(50))
              .backoffBase(Duration.ofMillis(50))
              .backoffCap(Duration.ofMillis(200))
              .permissionDeniedRetry(Duration.ofMillis(100))
              .staleLeafRetry(Duration.ofMillis(500))
              .start();
      web =
          Connect.service("web")
              .identitySource(source)
              .listener(
                  new ConnectListener() {
                    @Override
                    public void onAgentError(ConnectException error) {
                      reported.add(error);
                    }
                  })
              .build();
      web.awaitReady(AWAIT);
      assertThat(presentedLeaf(web)).isEqualTo(FIRST.certificate());

      agent.stubFor(get(urlPathEqualTo(path)).atPriority(1).willReturn(fault));
      ConnectService faulty = web;
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(faulty.status().lastError())
                      .hasValueSatisfying(e -> assertThat(e).hasMessageContaining(expected)));
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () -> assertThat(reported).anyMatch(e -> e.getMessage().contains(expected)));
      assertThat(web.isReady()).isTrue();
      assertThat(web.identity().leaf().certificate()).isEqualTo(FIRST.certificate());
      assertThat(presentedLeaf(web))
          .as("handshake during the fault")
          .isEqualTo(FIRST.certificate());

      agent.resetAll();
      answerWell(agent, HEALED, 13, 7);
      await()
          .atMost(AWAIT)
          .until(
              () ->
                  faulty.identity().leaf().certificate().equals(HEALED.certificate())
                      && faulty.status().lastError().isEmpty());
      assertThat(presentedLeaf(web)).as("handshake after healing").isEqualTo(HEALED.certificate());
    } finally {
      if (web != null) {
        web.close();
      }
      if (source != null) {
        source.close();
      }
      client.close();
      agent.stop();
    }
    census.assertNoLeak();
  }

  private static void answerWell(
      WireMockServer agent, IssuedLeaf leaf, long leafIndex, long rootsIndex) {
    agent.stubFor(
        get(urlPathEqualTo(ROOTS))
            .willReturn(
                json(AgentAnswers.roots(CA).toString())
                    .withHeader("X-Consul-Index", Long.toString(rootsIndex))
                    .withFixedDelay(200)));
    agent.stubFor(
        get(urlPathEqualTo(LEAF))
            .willReturn(
                json(AgentAnswers.leaf(leaf, "web", leafIndex).toString())
                    .withHeader("X-Consul-Index", Long.toString(leafIndex))
                    .withFixedDelay(200)));
  }

  /** Dials echo at its static address and returns the leaf web presented in that handshake. */
  private static Certificate presentedLeaf(ConnectService web) throws IOException {
    ServiceIdentity echoId = echo.identity().leaf().id();
    DialOptions options =
        DialOptions.builder()
            .staticAddress("127.0.0.1", echoServer.port(), echoId)
            .timeout(Duration.ofSeconds(10))
            .build();
    try (SSLSocket socket = web.dial("echo", options)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(42);
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).isEqualTo(42);
      return socket.getSession().getLocalCertificates()[0];
    }
  }

  private static ResponseDefinitionBuilder status(int status, String body) {
    return aResponse().withStatus(status).withBody(body);
  }

  private static ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("X-Consul-Index", "12")
        .withBody(body);
  }

  /** Overwrites the start of the PEM body (the DER header), keeping the PEM shape intact. */
  private static String corrupt(String pem) {
    int body = pem.indexOf('\n') + 1;
    return pem.substring(0, body) + "AAAAAAAA" + pem.substring(body + 8);
  }
}
