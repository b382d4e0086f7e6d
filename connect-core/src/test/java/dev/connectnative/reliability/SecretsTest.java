package dev.connectnative.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.identity.AgentIdentitySource;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ACL token and private keys never show in logs (slf4j-simple writes to {@code System.err},
 * captured here), exception messages and stack traces, or {@code toString()} of the objects users
 * see, while the agent fails in every way the other reliability tests use.
 */
class SecretsTest {
  private static final Duration AWAIT = Duration.ofSeconds(30);
  private static final String MASTER = "b1gs3cr3t-master-4c5e-9d1f-000000000001";

  private final Queue<String> seen = new ConcurrentLinkedQueue<>();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void captureLogs() {
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, log), true, UTF_8));
  }

  @AfterEach
  void restoreLogs() {
    System.setErr(originalErr);
  }

  /** Writes to the real stream and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream first, ByteArrayOutputStream copy) {
      this.first = first;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }
  }

  /** Records everything a user could print: errors, their stack traces, refusal reasons. */
  private final class Recorder implements ConnectListener {
    @Override
    public void onAgentError(ConnectException error) {
      record(error);
    }

    @Override
    public void onConnectionRefused(ServiceIdentity client, String reason) {
      seen.add(reason);
    }

    @Override
    public void onDialFailed(String target, String address, Throwable error) {
      record(error);
    }
  }

  private void record(Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    seen.add(error.toString());
    seen.add(trace.toString());
  }

  @Test
  void tokenAndKeysStayOutOfLogsErrorsAndToStringThroughAgentFaults() throws Exception {
    List<String> secrets = new ArrayList<>();
    try (DevAgent agent = DevAgent.builder().aclMasterToken(MASTER).start()) {
      String token = agent.createServiceToken("web");
      secrets.add(MASTER);
      secrets.add(token);
      agent.createIntention("web", "echo", IntentionAction.ALLOW);
      AgentConfig webConfig = AgentConfig.builder().address(agent.address()).token(token).build();
      try (ConnectService echo =
              Connect.service("echo")
                  .agent(AgentConfig.builder().address(agent.address()).token(MASTER).build())
                  .listener(new Recorder())
                  .build();
          ConnectService web =
              Connect.service("web").agent(webConfig).listener(new Recorder()).build();
          EchoAcceptor server =
              new EchoAcceptor(
                  echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())))) {
        web.awaitReady(AWAIT);
        echo.awaitReady(AWAIT);
        secrets.addAll(keyForms(web.identity().leaf()));
        secrets.addAll(keyForms(echo.identity().leaf()));
        DialOptions toEcho =
            DialOptions.builder()
                .staticAddress("127.0.0.1", server.port(), echo.identity().leaf().id())
                .timeout(Duration.ofSeconds(10))
                .build();
        exchange(web, toEcho);

        agent.faults().failWith("/v1/agent/connect/ca/leaf/", 500, "rpc error: ACL not found");
        agent.faults().failWith("/v1/agent/connect/authorize", 403, "Permission denied");
        agent.renewLeaf("web");
        await().atMost(AWAIT).until(() -> web.status().lastError().isPresent());
        tryExchange(web, toEcho);
        agent.faults().clear();
        agent.faults().garbage("/v1/agent/connect/ca/leaf/");
        agent.faults().resetMidBody("/v1/agent/connect/ca/roots");
        agent.renewLeaf("web");
        await()
            .atMost(AWAIT)
            .until(
                () ->
                    web.status()
                        .lastError()
                        .map(e -> e.getMessage().contains("JSON"))
                        .orElse(false));
        agent.faults().clear();
        agent.stop();
        IssuedLeaf stranger = agent.activeCa().leaf("stranger");
        secrets.addAll(keyForms(stranger));
        Rogues.attempt(Rogues.client(stranger.certificate(), stranger.privateKey()), server.port());
        tryExchange(web, toEcho);
        agent.restart();
        await().atMost(AWAIT).until(() -> web.status().lastError().isEmpty());
        Rogues.attempt(Rogues.client(stranger.certificate(), stranger.privateKey()), server.port());

        seen.add(webConfig.toString());
        Stream.of(web, echo)
            .forEach(
                s -> {
                  seen.add(s.toString());
                  seen.add(s.identity().toString());
                  seen.add(s.identity().leaf().toString());
                  seen.add(s.identity().trust().toString());
                  seen.add(s.status().toString());
                  s.status().lastError().ifPresent(this::record);
                });
        seen.add(stranger.toString());
      }
    }
    assertNoSecrets(secrets);
  }

  /**
   * A misbehaving agent answering a leaf whose JSON is broken right at the private key: the decode
   * error must not quote the key.
   */
  @Test
  void brokenLeafJsonIsReportedWithoutQuotingTheKey() throws Exception {
    TestCa ca = TestCa.create();
    IssuedLeaf good = ca.leaf("web");
    IssuedLeaf next = ca.leaf("web");
    String keyBody = pemBody(next.privateKeyPem());
    String broken =
        AgentAnswers.leaf(next, "web", 12)
            .toString()
            .replace(jsonString(next.privateKeyPem()), keyBody);
    assertThat(broken).contains("\"PrivateKeyPEM\":" + keyBody);
    WireMockServer wire = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wire.start();
    try (AgentClient client =
        AgentClient.create(AgentConfig.builder().address("127.0.0.1:" + wire.port()).build())) {
      wire.stubFor(
          get(urlPathEqualTo("/v1/agent/connect/ca/roots"))
              .willReturn(
                  aResponse()
                      .withHeader("X-Consul-Index", "5")
                      .withBody(AgentAnswers.roots(ca).toString())
                      .withFixedDelay(200)));
      wire.stubFor(
          get(urlPathEqualTo("/v1/agent/connect/ca/leaf/web"))
              .willReturn(
                  aResponse()
                      .withHeader("X-Consul-Index", "11")
                      .withBody(AgentAnswers.leaf(good, "web", 11).toString())));
      try (AgentIdentitySource source =
          AgentIdentitySource.builder(client, "web")
              .maxWait(Duration.ofMillis(500))
              .minInterval(Duration.ofMillis(50))
              .backoffBase(Duration.ofMillis(50))
              .backoffCap(Duration.ofMillis(200))
              .start()) {
        await().atMost(AWAIT).until(() -> source.status().ready());
        wire.stubFor(
            get(urlPathEqualTo("/v1/agent/connect/ca/leaf/web"))
                .atPriority(1)
                .willReturn(aResponse().withHeader("X-Consul-Index", "12").withBody(broken)));
        await()
            .atMost(AWAIT)
            .until(
                () ->
                    source
                        .status()
                        .lastError()
                        .map(e -> e.getMessage().contains("JSON"))
                        .orElse(false));
        source.status().lastError().ifPresent(this::record);
        wire.stubFor(
            get(urlPathEqualTo("/v1/agent/connect/ca/leaf/web"))
                .atPriority(1)
                .willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
      }
    } finally {
      wire.stop();
    }
    assertNoSecrets(keyForms(next));
  }

  private void assertNoSecrets(List<String> secrets) {
    String logged;
    synchronized (log) {
      logged = log.toString(UTF_8);
    }
    String shown = String.join("\n", seen);
    assertThat(logged).as("captured log").isNotEmpty();
    for (String secret : secrets) {
      assertThat(logged).as("log output").doesNotContain(secret);
      assertThat(shown).as("messages, stack traces and toString()").doesNotContain(secret);
    }
  }

  /** The PEM lines, the DER in base64 and a 16-character slice of it, for a leaf's key. */
  private static List<String> keyForms(LeafCertificate leaf) {
    List<String> forms =
        keyForms(Base64.getEncoder().encodeToString(leaf.privateKey().getEncoded()), null);
    if (leaf.privateKey() instanceof ECPrivateKey ec) {
      forms.add(ec.getS().toString(16));
    }
    return forms;
  }

  private static List<String> keyForms(IssuedLeaf leaf) {
    return keyForms(
        Base64.getEncoder().encodeToString(leaf.privateKey().getEncoded()), leaf.privateKeyPem());
  }

  private static List<String> keyForms(String der, String pem) {
    List<String> forms = new ArrayList<>();
    forms.add(der);
    forms.add(der.substring(der.length() / 2, der.length() / 2 + 16));
    if (pem != null) {
      forms.addAll(
          pemBody(pem)
              .lines()
              .filter(l -> l.length() >= 16)
              .map(l -> l.substring(0, 16))
              .collect(Collectors.toList()));
    }
    return forms;
  }

  private static String pemBody(String pem) {
    return pem.lines().filter(l -> !l.startsWith("-----")).collect(Collectors.joining());
  }

  private static String jsonString(String text) {
    return "\"" + text.replace("\n", "\\n") + "\"";
  }

  private static void exchange(ConnectService client, DialOptions options) throws IOException {
    try (SSLSocket socket = client.dial("echo", options)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(1);
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).isEqualTo(1);
    }
  }

  private void tryExchange(ConnectService client, DialOptions options) {
    try {
      exchange(client, options);
    } catch (IOException | AssertionError e) {
      record(e);
    }
  }
}
