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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OkHttp over Connect against real loopback servers with certificates minted at run time. */
class OkHttpConnectTest {
  private static final MediaType TEXT = MediaType.get("text/plain");

  private final TestCa ca = TestCa.create();
  private final Node echo = new Node(ca, "echo");
  private final IssuedLeaf webLeaf = ca.leaf("web");
  private final StaticIdentitySource webSource =
      StaticIdentitySource.fromPem(ca.rootPem(), webLeaf.certificatePem(), webLeaf.privateKeyPem());
  private final ConnectService web = Connect.service("web").identitySource(webSource).build();
  private final MapResolver resolver = new MapResolver();
  private Http1Server http1;
  private JettyServer jetty;
  private OkHttpClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.connectionPool().evictAll();
      client.dispatcher().executorService().shutdown();
    }
    if (http1 != null) {
      http1.close();
    }
    if (jetty != null) {
      jetty.close();
    }
    web.close();
  }

  private OkHttpClient client(ConnectHttp.Builder builder) {
    client = builder.okHttpClient();
    return client;
  }

  private ConnectHttp.Builder connect() {
    return ConnectHttp.builder(web).resolver(resolver);
  }

  private static Response call(OkHttpClient http, Request request) throws IOException {
    return http.newCall(request).execute();
  }

  private static String get(OkHttpClient http, String url) throws IOException {
    try (Response r = call(http, new Request.Builder().url(url).build())) {
      assertThat(r.code()).isEqualTo(200);
      return r.body().string();
    }
  }

  private static String field(String text, String name) {
    Matcher m = Pattern.compile(name + "=(\\S*)").matcher(text);
    assertThat(m.find()).as("%s in %s", name, text).isTrue();
    return m.group(1);
  }

  @Test
  void getAndPostRoundTripOverHttp11WithTheServiceIdentityOnBothSides() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect());

    String got = get(http, "https://echo.service.consul:1234/hello?x=1");
    assertThat(got)
        .startsWith("GET /hello?x=1 host=echo.service.consul:1234 ")
        .contains("client=" + ca.serviceUri("web"))
        .contains("serial=" + webLeaf.certificate().getSerialNumber().toString(16));

    Request post =
        new Request.Builder()
            .url("https://echo.service.consul:1234/items")
            .post(RequestBody.create("payload", TEXT))
            .build();
    try (Response r = call(http, post)) {
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(r.handshake().peerPrincipal()).isNotNull();
      assertThat(r.body().string()).startsWith("POST /items ").endsWith("body=payload");
    }
    assertThat(http1.connections.get()).isEqualTo(1);
    assertThat(resolver.lookups).containsOnly("echo");
  }

  @Test
  void http2IsUsedOnlyWhenOfferedAndServed() throws Exception {
    jetty = new JettyServer(echo);
    resolver.put("echo", at("echo", jetty.port()));

    OkHttpClient h2 = client(connect().http2());
    try (Response r =
        call(h2, new Request.Builder().url("https://echo.service.consul/h2").build())) {
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
      String body = r.body().string();
      assertThat(field(body, "proto")).isEqualTo("HTTP/2.0");
      assertThat(field(body, "authority")).isEqualTo("echo.service.consul");
      assertThat(field(body, "client")).isEqualTo(ca.serviceUri("web"));
    }
    Request post =
        new Request.Builder()
            .url("https://echo.service.consul/h2")
            .post(RequestBody.create("over h2", TEXT))
            .build();
    try (Response r = call(h2, post)) {
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(r.body().string()).endsWith("body=over h2");
    }
    h2.connectionPool().evictAll();

    OkHttpClient http11 = ConnectHttp.builder(web).resolver(resolver).okHttpClient();
    try (Response r =
        call(http11, new Request.Builder().url("https://echo.service.consul/h1").build())) {
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(field(r.body().string(), "proto")).isEqualTo("HTTP/1.1");
    } finally {
      http11.connectionPool().evictAll();
    }
  }

  @Test
  void http2OfferFallsBackToHttp11WhenTheServerHasNoAlpn() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    try (Response r =
        call(
            client(connect().http2()),
            new Request.Builder().url("https://echo.service.consul/").build())) {
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
    }
  }

  @Test
  void serverWithAnotherIdentityIsRefusedInsideTheHandshake() throws Exception {
    Node db = new Node(ca, "db");
    http1 = new Http1Server(db);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect());

    assertThatThrownBy(() -> get(http, "https://echo.service.consul/secret"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining("server presented " + ca.serviceUri("db"))
        .hasStackTraceContaining("expects " + ca.serviceUri("echo"));
    assertThat(http1.requests.get()).isZero();
  }

  @Test
  void eachHostNameGetsItsOwnConnectionsEvenToTheSameInstance() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port())).put("echo-q", at("echo", http1.port()));
    OkHttpClient http = client(connect());

    String viaService = field(get(http, "https://echo.service.consul/a"), "conn");
    String viaQuery = field(get(http, "https://echo-q.query.consul/b"), "conn");
    assertThat(viaQuery).isNotEqualTo(viaService);
    assertThat(field(get(http, "https://echo.service.consul/c"), "conn")).isEqualTo(viaService);
    assertThat(field(get(http, "https://echo-q.query.consul/d"), "conn")).isEqualTo(viaQuery);
    assertThat(http1.connections.get()).isEqualTo(2);
    assertThat(echo.fullHandshakes.get()).isEqualTo(2);
  }

  @Test
  void everyConnectionMakesAFullHandshakeEvenWithAServerThatResumes() throws Exception {
    http1 = new Http1Server(echo, echo.resumable);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect());
    for (int i = 0; i < 3; i++) {
      assertThat(get(http, "https://echo.service.consul/" + i)).startsWith("GET /" + i);
      http.connectionPool().evictAll();
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
    OkHttpClient http = client(connect());
    for (int i = 0; i < 4; i++) {
      assertThat(get(http, "https://echo.service.consul/try" + i)).startsWith("GET /try" + i);
      http.connectionPool().evictAll();
    }
    assertThat(http1.requests.get()).isEqualTo(4);
  }

  @Test
  void unknownServiceFailsFastNamingIt() {
    OkHttpClient http = client(connect());
    assertThatThrownBy(() -> get(http, "https://nosuch.service.consul/"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessage("no healthy instance of \"nosuch\" in dc1");
    assertThatThrownBy(() -> get(http, "https://nosuch.service.dc2.consul/"))
        .hasMessage("no healthy instance of \"nosuch\" in dc2");
    assertThatThrownBy(() -> get(http, "https://geo.query.consul/"))
        .hasMessage("no healthy instance of query \"geo\" in dc1");
    assertThat(resolver.options.get(1).datacenter()).contains("dc2");
    assertThat(resolver.options.get(2).preparedQuery()).isTrue();
  }

  @Test
  void theClustersOwnDomainIsAConnectDomainToo() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect().domain("mesh.example.com"));
    assertThat(get(http, "https://echo.service.dc1.mesh.example.com/d")).startsWith("GET /d ");
    assertThat(get(http, "https://echo.service.consul/c")).startsWith("GET /c ");
  }

  @Test
  void whatConnectCannotServeIsRefusedWithoutPassthrough() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect());

    assertThatThrownBy(() -> get(http, "http://echo.service.consul/"))
        .hasMessageContaining("Connect traffic is always TLS, use https://echo.service.consul/");
    assertThatThrownBy(() -> get(http, "https://example.com/"))
        .hasMessageContaining("\"example.com\" is not a Connect target")
        .hasMessageContaining("enable passthrough");
    assertThatThrownBy(() -> get(http, "https://127.0.0.1:" + http1.port() + "/"))
        .hasMessageContaining("\"127.0.0.1\" is not a Connect target");
    assertThatThrownBy(() -> get(http, "https://v2.echo.service.consul/"))
        .hasMessageContaining("names no Connect target");
    assertThat(http1.connections.get()).isZero();
  }

  @Test
  void redirectsStayOnConnectOrFailClosed() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    OkHttpClient http = client(connect());

    String landed = get(http, "https://echo.service.consul/redirect?to=/landed");
    assertThat(landed).startsWith("GET /landed host=echo.service.consul ");
    int before = http1.requests.get();
    assertThatThrownBy(
            () -> get(http, "https://echo.service.consul/redirect?to=http://echo.service.consul/x"))
        .hasMessageContaining("refusing plaintext to echo at 127.0.0.1:" + http1.port());
    assertThatThrownBy(
            () -> get(http, "https://echo.service.consul/redirect?to=https://example.com/x"))
        .hasMessageContaining("\"example.com\" is not a Connect target");
    assertThat(http1.requests.get()).isEqualTo(before + 2);
  }

  @Test
  void passthroughReachesOtherHostsAndStillGuardsConnectHosts() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port()));
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread responder =
          new Thread(
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
              },
              "plain-responder");
      responder.setDaemon(true);
      responder.start();
      OkHttpClient http = client(connect().passthrough());
      assertThat(get(http, "http://127.0.0.1:" + plain.getLocalPort() + "/")).isEqualTo("plain");
      assertThat(get(http, "https://echo.service.consul/"))
          .contains("client=" + ca.serviceUri("web"));
      assertThatThrownBy(() -> get(http, "http://echo.service.consul/"))
          .hasMessageContaining("Connect traffic is always TLS");
    }
  }

  @Test
  void rotationKeepsPooledConnectionsAndNewConnectionsPresentTheNewLeaf() throws Exception {
    http1 = new Http1Server(echo);
    resolver.put("echo", at("echo", http1.port())).put("echo-q", at("echo", http1.port()));
    OkHttpClient http = client(connect());
    String first = get(http, "https://echo.service.consul/before");
    String oldSerial = webLeaf.certificate().getSerialNumber().toString(16);
    assertThat(field(first, "serial")).isEqualTo(oldSerial);

    IssuedLeaf renewed = ca.leaf("web");
    webSource.update(ca.rootPem(), renewed.certificatePem(), renewed.privateKeyPem());

    String pooled = get(http, "https://echo.service.consul/after");
    assertThat(field(pooled, "conn")).isEqualTo(field(first, "conn"));
    assertThat(field(pooled, "serial")).isEqualTo(oldSerial);
    String fresh = get(http, "https://echo-q.query.consul/after");
    assertThat(field(fresh, "conn")).isNotEqualTo(field(first, "conn"));
    assertThat(field(fresh, "serial"))
        .isEqualTo(renewed.certificate().getSerialNumber().toString(16));
  }

  @Test
  void rootRotationAppliesToNewConnectionsWithoutANewClient() throws Exception {
    jetty = new JettyServer(echo);
    resolver.put("echo", at("echo", jetty.port()));
    OkHttpClient http = client(connect().http2());
    assertThat(get(http, "https://echo.service.consul/old"))
        .contains("client=" + ca.serviceUri("web"));

    TestCa next = TestCa.builder().clusterId(ca.clusterId()).build();
    String bothRoots = ca.rootPem() + next.rootPem();
    IssuedLeaf echoLeaf = next.leaf("echo");
    echo.source.update(bothRoots, echoLeaf.certificatePem(), echoLeaf.privateKeyPem());
    IssuedLeaf webNext = next.leaf("web");
    webSource.update(bothRoots, webNext.certificatePem(), webNext.privateKeyPem());
    http.connectionPool().evictAll();

    String after = get(http, "https://echo.service.consul/new");
    assertThat(field(after, "serial"))
        .isEqualTo(webNext.certificate().getSerialNumber().toString(16));
    Set<String> connections = new HashSet<>(jetty.connections);
    assertThat(connections).hasSize(2);
  }
}
