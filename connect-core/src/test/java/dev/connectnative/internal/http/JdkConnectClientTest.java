package dev.connectnative.internal.http;

import static dev.connectnative.internal.http.MapResolver.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.Connect;
import dev.connectnative.ConnectHttp;
import dev.connectnative.ConnectService;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK HttpClient over Connect against real loopback servers. */
class JdkConnectClientTest {
  private final TestCa ca = TestCa.create();
  private final Node echo = new Node(ca, "echo");
  private final IssuedLeaf webLeaf = ca.leaf("web");
  private final StaticIdentitySource webSource =
      StaticIdentitySource.fromPem(ca.rootPem(), webLeaf.certificatePem(), webLeaf.privateKeyPem());
  private final ConnectService web = Connect.service("web").identitySource(webSource).build();
  private final MapResolver resolver = new MapResolver();
  private Http1Server http1;
  private JettyServer jetty;

  @AfterEach
  void stop() throws Exception {
    if (http1 != null) {
      http1.close();
    }
    if (jetty != null) {
      jetty.close();
    }
    web.close();
  }

  private ConnectHttp.Builder connect() {
    return ConnectHttp.builder(web).resolver(resolver);
  }

  private static HttpRequest get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).build();
  }

  private static String body(HttpClient http, String uri) throws Exception {
    HttpResponse<String> r = http.send(get(uri), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static String field(String text, String name) {
    Matcher m = Pattern.compile(name + "=(\\S*)").matcher(text);
    assertThat(m.find()).as("%s in %s", name, text).isTrue();
    return m.group(1);
  }

  @Test
  void getAndPostRoundTripOverHttp11() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    HttpClient http = connect().jdkHttpClient();

    HttpResponse<String> got =
        http.send(get("https://echo.service.consul:99/hello?x=1"), BodyHandlers.ofString());
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(got.uri()).isEqualTo(URI.create("https://echo.service.consul:99/hello?x=1"));
    assertThat(got.request().uri()).isEqualTo(got.uri());
    assertThat(got.body())
        .startsWith("GET /hello?x=1 host=127.0.0.1:" + http1.port() + " ")
        .contains("client=" + ca.serviceUri("web"));

    HttpRequest post =
        HttpRequest.newBuilder(URI.create("https://echo.service.consul/items"))
            .POST(BodyPublishers.ofString("payload"))
            .build();
    HttpResponse<String> posted =
        http.sendAsync(post, BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
    assertThat(posted.body()).startsWith("POST /items ").endsWith("body=payload");
    assertThat(http1.connections.get()).isEqualTo(1);
  }

  @Test
  void http2IsUsedOnlyWhenOfferedAndServed() throws Exception {
    jetty = new JettyServer(echo);
    resolver.put("echo", at("echo", jetty.port()));

    HttpClient h2 = connect().http2().jdkHttpClient();
    HttpResponse<String> r =
        h2.send(get("https://echo.service.consul/h2"), BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(field(r.body(), "proto")).isEqualTo("HTTP/2.0");
    assertThat(field(r.body(), "client")).isEqualTo(ca.serviceUri("web"));
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("https://echo.service.consul/h2"))
            .POST(BodyPublishers.ofString("over h2"))
            .build();
    assertThat(h2.send(post, BodyHandlers.ofString()).body()).endsWith("body=over h2");

    HttpResponse<String> h1 =
        connect()
            .jdkHttpClient()
            .send(get("https://echo.service.consul/h1"), BodyHandlers.ofString());
    assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(field(h1.body(), "proto")).isEqualTo("HTTP/1.1");
  }

  @Test
  void serverWithAnotherIdentityIsRefusedEvenWhereAPooledConnectionExists() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port())).put("db", at("db", http1.port()));
    HttpClient http = connect().jdkHttpClient();
    assertThat(body(http, "https://echo.service.consul/ok")).startsWith("GET /ok");

    assertThatThrownBy(() -> body(http, "https://db.service.consul/secret"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining("server presented " + ca.serviceUri("echo"))
        .hasStackTraceContaining("expects " + ca.serviceUri("db"));
    assertThat(http1.requests.get()).isEqualTo(1);
  }

  @Test
  void everyConnectionMakesAFullHandshakeEvenWithAServerThatResumes() throws Exception {
    http1 = new Http1Server(echo, echo.resumable);
    resolver.put("echo", at("echo", http1.port()));
    for (int i = 0; i < 3; i++) {
      assertThat(body(connect().jdkHttpClient(), "https://echo.service.consul/" + i))
          .startsWith("GET /" + i);
    }
    assertThat(http1.connections.get()).isEqualTo(3);
    assertThat(echo.fullHandshakes.get()).isEqualTo(3);
  }

  @Test
  void connectionFailureMovesOnToTheNextInstance() throws Exception {
    http1 = new Http1Server(echo);
    int dead;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = closed.getLocalPort();
    }
    resolver.put("echo", at("echo", dead), at("echo", http1.port()));
    for (int i = 0; i < 3; i++) {
      assertThat(body(connect().jdkHttpClient(), "https://echo.service.consul/" + i))
          .startsWith("GET /" + i);
    }

    resolver.put("echo", at("echo", dead));
    assertThatThrownBy(() -> body(connect().jdkHttpClient(), "https://echo.service.consul/"))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("cannot connect to \"echo\" in dc1: every instance failed (1)")
        .hasMessageContaining("127.0.0.1:" + dead);
  }

  @Test
  void unknownServiceAndUnservableUrlsFailFast() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    HttpClient http = connect().jdkHttpClient();
    assertThatThrownBy(() -> body(http, "https://nosuch.service.consul/"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessage("no healthy instance of \"nosuch\" in dc1");
    assertThatThrownBy(() -> body(http, "http://echo.service.consul/"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Connect traffic is always TLS");
    assertThatThrownBy(() -> body(http, "https://127.0.0.1:" + http1.port() + "/"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"127.0.0.1\" is not a Connect target");
    assertThat(http1.connections.get()).isZero();
  }

  @Test
  void passthroughReachesOtherHostsAndStillGuardsConnectHosts() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    HttpClient http = connect().passthrough().jdkHttpClient();
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> responder =
          CompletableFuture.runAsync(
              () -> {
                try (var s = plain.accept()) {
                  s.getInputStream().read(new byte[1024]);
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nplain"
                              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertThat(body(http, "http://127.0.0.1:" + plain.getLocalPort() + "/")).isEqualTo("plain");
      responder.get(10, TimeUnit.SECONDS);
    }
    assertThat(body(http, "https://echo.service.consul/"))
        .contains("client=" + ca.serviceUri("web"));
    assertThatThrownBy(() -> body(http, "http://echo.service.consul/"))
        .hasMessageContaining("Connect traffic is always TLS");
  }

  @Test
  void rotationKeepsOpenConnectionsAndNewConnectionsPresentTheNewLeaf() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    HttpClient http = connect().jdkHttpClient();
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(get("https://echo.service.consul/hold"), BodyHandlers.ofString());
    assertThat(http1.held.await(10, TimeUnit.SECONDS)).isTrue();

    IssuedLeaf renewed = ca.leaf("web");
    webSource.update(ca.rootPem(), renewed.certificatePem(), renewed.privateKeyPem());
    String fresh = body(http, "https://echo.service.consul/fresh");
    http1.gate.countDown();
    String old = inFlight.get(10, TimeUnit.SECONDS).body();

    assertThat(field(old, "serial"))
        .isEqualTo(webLeaf.certificate().getSerialNumber().toString(16));
    assertThat(field(fresh, "serial"))
        .isEqualTo(renewed.certificate().getSerialNumber().toString(16));
    assertThat(field(fresh, "conn")).isNotEqualTo(field(old, "conn"));
    assertThat(field(body(http, "https://echo.service.consul/again"), "conn"))
        .isIn(field(old, "conn"), field(fresh, "conn"));
    assertThat(http1.connections.get()).isEqualTo(2);
  }
}
