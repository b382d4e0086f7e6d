package dev.connectnative.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ConnectJetty} with real {@link ConnectService}s following the dev agent. */
class ConnectJettyTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private DevAgent agent;
  private AgentConfig config;
  private ConnectService echo;
  private Server server;

  @BeforeEach
  void start() {
    agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
    closeables.add(agent);
    config = AgentConfig.builder().address(agent.address()).build();
    echo = service("echo");
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private ConnectService service(String name) {
    ConnectService service = Connect.service(name).agent(config).build();
    closeables.add(service);
    service.awaitReady(Duration.ofSeconds(10));
    return service;
  }

  private ServerConnector serve(IntentionsSource intentions) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("jetty-echo");
    threads.setDaemon(true);
    server = new Server(threads);
    ServerConnector connector =
        intentions == null
            ? ConnectJetty.addConnector(server, echo, 0)
            : ConnectJetty.addConnector(server, echo, 0, intentions);
    connector.setHost("127.0.0.1");
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Hello()), "/*");
    ConnectFilter.Builder filter = ConnectFilter.builder().service("echo");
    if (intentions != null) {
      filter.intentions(intentions);
    }
    filter.build().install(context);
    server.setHandler(context);
    server.start();
    return connector;
  }

  /** An HTTP client acting as {@code caller}, expecting to reach echo. */
  private HttpClient client(ConnectService caller) throws Exception {
    ServiceIdentity expected = echo.identity().leaf().id();
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {caller.keyManager()},
        new TrustManager[] {
          new ExpectingTrustManager((ConnectTrustManager) caller.trustManager(), expected)
        },
        new SecureRandom());
    return HttpClient.newBuilder().sslContext(context).build();
  }

  private static HttpResponse<String> get(HttpClient client, ServerConnector connector, String path)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + connector.getLocalPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAllowedCallersOverHttp2AndRefusesDeniedOnes() throws Exception {
    agent.upsertIntentionExact("db", "echo", IntentionAction.DENY);
    ServerConnector connector = serve(null);
    ConnectService web = service("web");

    HttpResponse<String> response = get(client(web), connector, "/hi");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.body()).isEqualTo("hello " + web.identity().leaf().id());

    HttpClient db = client(service("db"));
    assertThatThrownBy(() -> get(db, connector, "/hi")).isInstanceOf(IOException.class);
  }

  @Test
  void l7CallersAreServedPerRequestWhenIntentionsAreEnforced() throws Exception {
    agent.upsertIntentionExact("web", "echo", IntentionAction.ALLOW);
    try (AgentIntentions intentions = AgentIntentions.watch(echo, Duration.ofSeconds(2))) {
      HttpResponse<String> written =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(agent.url() + "/v1/config"))
                      .PUT(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
                                  + "{\"Name\":\"db\",\"Action\":\"deny\"},"
                                  + "{\"Name\":\"api\",\"Permissions\":["
                                  + "{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/public/\"}},"
                                  + "{\"Action\":\"deny\",\"HTTP\":{\"PathPrefix\":\"/private\"}}"
                                  + "]}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(written.statusCode()).isEqualTo(200);
      ConnectService api = service("api");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  intentions
                      .current()
                      .map(i -> i.governsAtLayer7(api.identity().leaf().id()))
                      .orElse(false));
      ServerConnector connector = serve(intentions);
      HttpClient client = client(api);

      assertThat(get(client, connector, "/public/a").statusCode()).isEqualTo(200);
      HttpResponse<String> denied = get(client, connector, "/private");
      assertThat(denied.statusCode()).isEqualTo(403);
      assertThat(denied.body()).contains("Matched L7 intention: default/api => default/echo");
      assertThat(intentions.defaultAllow())
          .as("X-Consul-Default-Acl-Policy of an agent with ACLs off")
          .contains(true);
      assertThat(get(client, connector, "/other").statusCode())
          .as("no permission matches: the agent's default (allow with ACLs off) applies")
          .isEqualTo(200);
      HttpClient db = client(service("db"));
      assertThatThrownBy(() -> get(db, connector, "/public/a"))
          .as("a client denied at L4 still gets a TLS alert in L7 mode")
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("certificate_unknown");
    }
  }

  @Test
  void anIntentionChangeClosesTheIdleConnectionsOfADeniedClientAtOnce() throws Exception {
    ServerConnector connector = serve(null);
    RawHttps web = new RawHttps(rawContext(service("web")), connector.getLocalPort());
    closeables.add(web);
    RawHttps api = new RawHttps(rawContext(service("api")), connector.getLocalPort());
    closeables.add(api);
    assertThat(web.request("GET", "/before").status()).isEqualTo(200);
    assertThat(api.request("GET", "/before").status()).isEqualTo(200);

    agent.upsertIntentionExact("web", "echo", IntentionAction.DENY);

    assertThat(web.closedByServer())
        .as("closed within the 10 s socket timeout, well before Jetty's 30 s idle timeout")
        .isTrue();
    assertThat(api.request("GET", "/after").status())
        .as("the connection of a client that is still allowed stays open")
        .isEqualTo(200);
    SSLContext webAgain = rawContext(service("web"));
    assertThatThrownBy(
            () -> {
              try (RawHttps again = new RawHttps(webAgain, connector.getLocalPort())) {
                again.request("GET", "/again");
              }
            })
        .as("new connections of the denied client are refused too")
        .isInstanceOf(IOException.class);
  }

  @Test
  void anIntentionChangeClosesAnOpenHttp2ConnectionToo() throws Exception {
    ServerConnector connector = serve(null);
    HttpClient web = client(service("web"));
    HttpResponse<String> before = get(web, connector, "/before");
    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.version()).isEqualTo(HttpClient.Version.HTTP_2);

    agent.upsertIntentionExact("web", "echo", IntentionAction.DENY);

    // An HTTP/2 connection left open would go on serving (the filter has no authorizer here, and
    // each request restarts Jetty's idle timeout); once it is closed, the client has to reconnect
    // and is refused.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> get(web, connector, "/after"))
                    .isInstanceOf(IOException.class));
  }

  @Test
  void theIntentionsWatchSharesTheServicesAgentClient() {
    try (AgentIntentions intentions = AgentIntentions.watch(echo, Duration.ofSeconds(2))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> intentions.current().isPresent());
      assertThat(intentions.current().orElseThrow().toString())
          .as("the agent answered 404: no config entry")
          .isEqualTo("ServiceIntentions[default/echo, 0 sources]");
      assertThat(intentions.defaultAllow())
          .as("the default policy comes with a 404 answer too")
          .contains(true);
    }
    assertThat(
            ((DefaultConnectService) echo)
                .agentClient()
                .orElseThrow()
                .httpClient()
                .dispatcher()
                .executorService()
                .isShutdown())
        .as("closing the watch leaves the service's agent client alone")
        .isFalse();
  }

  @Test
  void aRenewedLeafReachesNewConnectionsWhileOpenOnesContinue() throws Exception {
    ServerConnector connector = serve(null);
    HttpClient client = client(service("web"));
    assertThat(get(client, connector, "/before").statusCode()).isEqualTo(200);
    String before = echo.identity().leaf().serialNumber();

    agent.renewLeaf("echo");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !echo.identity().leaf().serialNumber().equals(before));

    assertThat(get(client, connector, "/open").statusCode())
        .as("the HTTP/2 connection opened before the rotation still works")
        .isEqualTo(200);
    try (RawHttps fresh = new RawHttps(rawContext(service("web2")), connector.getLocalPort())) {
      X509Certificate presented =
          (X509Certificate) fresh.socket.getSession().getPeerCertificates()[0];
      assertThat(presented.getSerialNumber())
          .isEqualTo(echo.identity().leaf().certificate().getSerialNumber());
      assertThat(fresh.request("GET", "/fresh").status()).isEqualTo(200);
    }
  }

  @Test
  void aCaRotationMidRunKeepsOpenConnectionsAndServesNewOnes() throws Exception {
    ServerConnector connector = serve(null);
    ConnectService web = service("web");
    RawHttps open = new RawHttps(rawContext(web), connector.getLocalPort());
    closeables.add(open);
    assertThat(open.request("GET", "/before").status()).isEqualTo(200);
    X509Certificate oldRoot = echo.identity().trust().activeRoot();

    agent.rotateCa();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !echo.identity().trust().activeRoot().equals(oldRoot)
                    && !web.identity().trust().activeRoot().equals(oldRoot)
                    && issuedBy(echo, echo.identity().trust().activeRoot())
                    && issuedBy(web, web.identity().trust().activeRoot()));

    assertThat(open.request("GET", "/open").status())
        .as("the connection opened under the old CA still works")
        .isEqualTo(200);
    try (RawHttps fresh = new RawHttps(rawContext(web), connector.getLocalPort())) {
      X509Certificate presented =
          (X509Certificate) fresh.socket.getSession().getPeerCertificates()[0];
      assertThat(presented.getIssuerX500Principal())
          .isEqualTo(echo.identity().trust().activeRoot().getSubjectX500Principal());
      assertThat(fresh.request("GET", "/fresh").body())
          .isEqualTo("hello " + web.identity().leaf().id());
    }
  }

  private static boolean issuedBy(ConnectService service, X509Certificate root) {
    return service
        .identity()
        .leaf()
        .certificate()
        .getIssuerX500Principal()
        .equals(root.getSubjectX500Principal());
  }

  private SSLContext rawContext(ConnectService caller) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {caller.keyManager()},
        new TrustManager[] {
          new ExpectingTrustManager(
              (ConnectTrustManager) caller.trustManager(), echo.identity().leaf().id())
        },
        new SecureRandom());
    return context;
  }

  private static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.getWriter().print("hello " + ConnectFilter.caller(request).orElseThrow());
    }
  }
}
