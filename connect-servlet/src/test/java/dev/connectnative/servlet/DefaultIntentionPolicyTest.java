package dev.connectnative.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.testkit.DevAgent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consul's default intention behaviour for L7 requests no permission matches, read from the {@code
 * X-Consul-Default-Acl-Policy} of a dev agent with ACLs on ({@code default_policy = "deny"}),
 * against real {@link ConnectService}s and real Jetty.
 */
class DefaultIntentionPolicyTest {
  private static final String TOKEN = "c0ffee00-0000-4000-8000-000000000001";
  private static final String PUBLIC_ONLY =
      "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
          + "{\"Name\":\"api\",\"Permissions\":[{\"Action\":\"allow\","
          + "\"HTTP\":{\"PathPrefix\":\"/public/\"}}]}]}";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private DevAgent agent;
  private AgentConfig config;
  private ConnectService echo;
  private ConnectService api;
  private AgentIntentions intentions;
  private Server server;

  @BeforeEach
  void start() throws Exception {
    agent = DevAgent.builder().aclMasterToken(TOKEN).start();
    closeables.add(agent);
    config = AgentConfig.builder().address(agent.address()).token(TOKEN).build();
    echo = service("echo");
    api = service("api");
    HttpResponse<String> written =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/v1/config"))
                    .header("X-Consul-Token", TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofString(PUBLIC_ONLY))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    intentions = AgentIntentions.watch(echo, Duration.ofSeconds(2));
    closeables.add(intentions);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                intentions
                    .current()
                    .map(i -> i.governsAtLayer7(api.identity().leaf().id()))
                    .orElse(false));
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

  private ServerConnector serve(UnaryOperator<ConnectFilter.Builder> filter) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("jetty-echo");
    threads.setDaemon(true);
    server = new Server(threads);
    ServerConnector connector = ConnectJetty.addConnector(server, echo, 0, intentions);
    connector.setHost("127.0.0.1");
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new Hello()), "/*");
    filter
        .apply(ConnectFilter.builder().service("echo").intentions(intentions))
        .build()
        .install(context);
    server.setHandler(context);
    server.start();
    return connector;
  }

  private RawHttps connectAsApi(ServerConnector connector) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        new KeyManager[] {api.keyManager()},
        new TrustManager[] {
          new ExpectingTrustManager(
              (ConnectTrustManager) api.trustManager(), echo.identity().leaf().id())
        },
        new SecureRandom());
    RawHttps connection = new RawHttps(context, connector.getLocalPort());
    closeables.add(connection);
    return connection;
  }

  @Test
  void unmatchedRequestsFollowTheAgentsAclDefaultPolicy() throws Exception {
    RawHttps connection = connectAsApi(serve(filter -> filter));

    RawHttps.Response allowed = connection.request("GET", "/public/a");
    RawHttps.Response unmatched = connection.request("GET", "/other");

    assertThat(intentions.defaultAllow()).as("X-Consul-Default-Acl-Policy: deny").contains(false);
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(unmatched.status()).isEqualTo(403);
    assertThat(unmatched.body())
        .startsWith(api.identity().leaf().id() + " may not GET /other on \"echo\"")
        .endsWith("; the default is to deny (the default policy reported with the intentions)");
  }

  @Test
  void anExplicitDefaultOverridesTheAgent() throws Exception {
    RawHttps connection = connectAsApi(serve(filter -> filter.defaultAllow(true)));

    RawHttps.Response unmatched = connection.request("GET", "/other");

    assertThat(intentions.defaultAllow()).contains(false);
    assertThat(unmatched.status()).isEqualTo(200);
    assertThat(unmatched.body()).isEqualTo("hello " + api.identity().leaf().id());
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
