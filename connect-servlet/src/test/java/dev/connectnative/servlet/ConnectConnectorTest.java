package dev.connectnative.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.ConnectException;
import dev.connectnative.testkit.IssuedLeaf;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectConnectorTest {
  private static final String INTENTIONS =
      "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":["
          + "{\"Name\":\"db\",\"Action\":\"deny\"},"
          + "{\"Name\":\"api\",\"Permissions\":[{\"Action\":\"allow\","
          + "\"HTTP\":{\"PathPrefix\":\"/public/\",\"Methods\":[\"GET\"]}}]}]}";

  private final Mesh mesh = new Mesh();
  private final Mesh.Peer echo = mesh.peer("echo");
  private final Mesh.Peer web = mesh.peer("web");
  private final Mesh.Peer api = mesh.peer("api");
  private final Mesh.Peer db = mesh.peer("db");
  private final ServiceIntentions intentions = ServiceIntentions.parse(INTENTIONS);
  private final AgentLikeAuthorizer authorizer = new AgentLikeAuthorizer(intentions);
  private final IntentionsSource source = IntentionsSource.fixed(intentions);
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private EchoServer start(ConnectFilter filter, Consumer<ConnectConnector.Builder> customizer)
      throws Exception {
    EchoServer server =
        new EchoServer("echo", echo.serverContext(), authorizer, source, filter, customizer);
    closeables.add(server);
    return server;
  }

  private EchoServer start() throws Exception {
    return start(ConnectFilter.builder().service("echo").intentions(source).build(), b -> {});
  }

  private RawHttps connect(Mesh.Peer client, EchoServer server) throws IOException {
    RawHttps connection = new RawHttps(client.clientContext(echo.id()), server.port());
    closeables.add(connection);
    return connection;
  }

  @Test
  void allowedCallerGets200AndSeesItsIdentity() throws Exception {
    EchoServer server = start();

    RawHttps.Response response = connect(web, server).request("GET", "/hello");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body())
        .contains("caller=" + web.id())
        .contains("principal=" + web.id())
        .contains("authType=CLIENT_CERT")
        .contains("certs=1")
        .contains("protocol=HTTP/1.1");
    assertThat(authorizer.requests)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.target()).isEqualTo("echo");
              assertThat(request.client()).isEqualTo(web.id());
              assertThat(request.clientCertSerial())
                  .isEqualTo(web.source.current().orElseThrow().leaf().serialNumber());
            });
  }

  @Test
  void deniedCallerIsRefusedAtTheHandshakeAndNeverReachesAServlet() throws Exception {
    EchoServer server = start();

    assertThatThrownBy(() -> connect(db, server).request("GET", "/hello"))
        .isInstanceOf(IOException.class);

    assertThat(server.served).hasValue(0);
    assertThat(authorizer.requests).extracting(r -> r.client()).containsExactly(db.id());
  }

  @Test
  void l7IntentionAllowsOnlyGetUnderPublic() throws Exception {
    EchoServer server = start();
    RawHttps connection = connect(api, server);

    RawHttps.Response allowed = connection.request("GET", "/public/index.html");
    RawHttps.Response wrongMethod = connection.request("POST", "/public/index.html");
    RawHttps.Response elsewhere = connection.request("GET", "/private");

    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.body()).contains("caller=" + api.id());
    assertThat(wrongMethod.status()).isEqualTo(403);
    assertThat(elsewhere.status()).isEqualTo(403);
    assertThat(elsewhere.body())
        .isEqualTo(
            api.id()
                + " may not GET /private on \"echo\": Matched L7 intention: default/api =>"
                + " default/echo (Precedence: 9), but none of its 1 permission(s) matches GET"
                + " /private; the default is to deny (no default policy is known)");
    assertThat(server.served).hasValue(1);
  }

  @Test
  void dotSegmentsCannotSmuggleARequestPastAPathPrefix() throws Exception {
    EchoServer server = start();
    RawHttps connection = connect(api, server);

    RawHttps.Response plain = connection.request("GET", "/public/../private");
    RawHttps.Response withParameter = connection.request("GET", "/public/..;x=1/private");

    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.body()).contains("matches GET /private");
    assertThat(withParameter.status()).isIn(400, 403);
    assertThat(server.served).hasValue(0);
  }

  @Test
  void defaultAllowLetsUnmatchedL7RequestsThrough() throws Exception {
    EchoServer server =
        start(
            ConnectFilter.builder().service("echo").intentions(source).defaultAllow(true).build(),
            b -> {});

    assertThat(connect(api, server).request("GET", "/private").status()).isEqualTo(200);
  }

  @Test
  void l7CallersAreRefusedAtTheHandshakeWhenNoFilterEnforcesTheIntentions() throws Exception {
    EchoServer server = start(null, b -> {});

    assertThatThrownBy(() -> connect(api, server).request("GET", "/public/x"))
        .isInstanceOf(IOException.class);
    RawHttps.Response web200 = connect(web, server).request("GET", "/x");
    assertThat(web200.status()).isEqualTo(200);
    assertThat(web200.body()).contains("caller=none");
    assertThat(server.served).hasValue(1);
  }

  @Test
  void anAgentL7AnswerIsRefusedWhenTheLocalIntentionsNameNoL7SourceForTheCaller() throws Exception {
    EchoServer server = start();
    authorizer.intentions(
        ServiceIntentions.parse(
            "{\"Name\":\"echo\",\"Sources\":[{\"Name\":\"web\",\"Permissions\":["
                + "{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/\"}}]}]}"));

    assertThatThrownBy(() -> connect(web, server).request("GET", "/x"))
        .isInstanceOf(IOException.class);
    assertThat(server.served).hasValue(0);
  }

  @Test
  void unknownIntentionsRefuseL7CallersAtTheHandshakeAndOthersWith503() throws Exception {
    IntentionsSource unknown = Optional::empty;
    EchoServer server =
        new EchoServer(
            "echo",
            echo.serverContext(),
            authorizer,
            unknown,
            ConnectFilter.builder().service("echo").intentions(unknown).build(),
            b -> {});
    closeables.add(server);

    assertThatThrownBy(() -> connect(api, server).request("GET", "/public/x"))
        .isInstanceOf(IOException.class);
    RawHttps.Response response = connect(web, server).request("GET", "/x");
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo("intentions of \"echo\" are not known; refusing " + web.id());
  }

  @Test
  void aFilterWithTheAuthorizerRefusesTheNextRequestOnceTheCallerIsDenied() throws Exception {
    EchoServer server =
        start(
            ConnectFilter.builder()
                .service("echo")
                .intentions(source)
                .authorizer(authorizer)
                .build(),
            b -> {});
    RawHttps open = connect(web, server);
    assertThat(open.request("GET", "/x").status()).isEqualTo(200);

    authorizer.intentions(
        ServiceIntentions.parse(
            "{\"Name\":\"echo\",\"Sources\":[{\"Name\":\"*\",\"Action\":\"deny\"}]}"));
    RawHttps.Response denied = open.request("GET", "/x");
    authorizer.answerWith(
        CompletableFuture.failedFuture(new ConnectException("agent answered 500")));
    RawHttps.Response undecided = open.request("GET", "/x");

    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body())
        .isEqualTo(
            web.id()
                + " may not GET /x on \"echo\": no longer allowed: Matched L4 intention:"
                + " default/* => default/echo (Precedence: 8, Action: DENY)");
    assertThat(undecided.status()).isEqualTo(503);
    assertThat(undecided.body()).endsWith("cannot authorize the caller again: agent answered 500");
    assertThat(server.served).hasValue(1);
  }

  @Test
  void withoutIntentionsTheFilterStillRechecksEveryRequest() throws Exception {
    EchoServer server =
        start(ConnectFilter.builder().service("echo").authorizer(authorizer).build(), b -> {});
    RawHttps open = connect(web, server);
    assertThat(open.request("GET", "/x").body()).contains("caller=" + web.id());

    authorizer.intentions(
        ServiceIntentions.parse(
            "{\"Name\":\"echo\",\"Sources\":[{\"Name\":\"web\",\"Action\":\"deny\"}]}"));

    assertThat(open.request("GET", "/x").status()).isEqualTo(403);
  }

  @Test
  void theFilterRefusesRequestsThatDidNotArriveThroughAConnectConnector() throws Exception {
    EchoServer server = start();
    int plainPort = server.addPlainConnector();

    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plainPort + "/x")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("request to \"echo\" did not arrive over Connect TLS");
    assertThat(server.served).hasValue(0);
  }

  @Test
  void anAuthorizerFailureOrTimeoutClosesTheConnection() throws Exception {
    EchoServer server =
        start(
            ConnectFilter.builder().service("echo").intentions(source).build(),
            b -> b.authorizationTimeout(Duration.ofMillis(200)));

    authorizer.answerWith(
        CompletableFuture.failedFuture(new ConnectException("agent answered 500")));
    assertThatThrownBy(() -> connect(web, server).request("GET", "/x"))
        .isInstanceOf(IOException.class);
    authorizer.answerWith(new CompletableFuture<AuthorizationDecision>());
    assertThatThrownBy(() -> connect(web, server).request("GET", "/x"))
        .isInstanceOf(IOException.class);
    assertThat(server.served).hasValue(0);
  }

  @Test
  void resumedSessionsOfAPlainSslContextAreAuthorizedAgain() throws Exception {
    AtomicInteger fullHandshakes = new AtomicInteger();
    echo.trustManager.clientAuthorizer((client, leaf, handle) -> fullHandshakes.incrementAndGet());
    EchoServer server =
        new EchoServer(
            "echo",
            echo.plainServerContext(),
            authorizer,
            source,
            ConnectFilter.builder().service("echo").intentions(source).build(),
            b -> {});
    closeables.add(server);
    javax.net.ssl.SSLContext webContext = web.clientContext(echo.id());
    try (RawHttps first = new RawHttps(webContext, server.port())) {
      assertThat(first.request("GET", "/x").status()).isEqualTo(200);
    }

    authorizer.intentions(
        ServiceIntentions.parse(
            "{\"Name\":\"echo\",\"Sources\":[{\"Name\":\"web\",\"Action\":\"deny\"}]}"));
    assertThatThrownBy(
            () -> {
              try (RawHttps second = new RawHttps(webContext, server.port())) {
                second.request("GET", "/x");
              }
            })
        .isInstanceOf(IOException.class);

    assertThat(fullHandshakes).as("the second handshake resumed the session").hasValue(1);
    assertThat(authorizer.requests).hasSize(2);
    assertThat(server.served).hasValue(1);
  }

  @Test
  void http2WorksThroughAlpnWithTheJdkHttpClient() throws Exception {
    EchoServer server = start();
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(web.clientContext(echo.id()))
            .version(HttpClient.Version.HTTP_2)
            .build();

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/h2"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.body()).contains("caller=" + web.id()).contains("protocol=HTTP/2.0");
  }

  @Test
  void rotationAppliesToNewHandshakesWhileOpenConnectionsContinue() throws Exception {
    EchoServer server = start();
    RawHttps open = connect(web, server);
    assertThat(open.request("GET", "/before").status()).isEqualTo(200);
    X509Certificate before = (X509Certificate) open.socket.getSession().getPeerCertificates()[0];

    IssuedLeaf renewedServer = echo.renew();
    IssuedLeaf renewedClient = web.renew();

    assertThat(open.request("GET", "/after").status()).isEqualTo(200);
    RawHttps fresh = connect(web, server);
    assertThat(fresh.request("GET", "/fresh").status()).isEqualTo(200);
    X509Certificate presented =
        (X509Certificate) fresh.socket.getSession().getPeerCertificates()[0];
    assertThat(presented.getSerialNumber())
        .isEqualTo(renewedServer.certificate().getSerialNumber())
        .isNotEqualTo(before.getSerialNumber());
    assertThat(authorizer.requests.get(authorizer.requests.size() - 1).clientCertSerial())
        .isEqualTo(renewedClient.serialNumber());
  }
}
