package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dev agent's HTTP/1.1 front at byte level: header names, order and framing as Consul's Go
 * server writes them, keep-alive, request body framing, refusals of malformed requests, and the TCP
 * reset fault.
 */
class HttpWireTest {
  private static final String ROOTS = "/v1/agent/connect/ca/roots";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T09:30:32Z"), ZoneOffset.UTC);

  private final DevAgent agent = DevAgent.builder().clock(CLOCK).start();

  @AfterEach
  void close() {
    agent.close();
  }

  @Test
  void cachedRootsAnswerHasConsulsHeaderNamesInConsulsOrder() {
    RawHttp.Response roots = get(ROOTS);

    assertThat(roots.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(roots.names())
        .containsExactly(
            "Content-Type",
            "Vary",
            "X-Cache",
            "X-Consul-Default-Acl-Policy",
            "X-Consul-Index",
            "X-Consul-Knownleader",
            "X-Consul-Lastcontact",
            "X-Consul-Query-Backend",
            "Date",
            "Content-Length");
    assertThat(roots.header("Date")).contains("Sat, 21 Nov 2026 09:30:32 GMT");
    assertThat(roots.header("Vary")).contains("Accept-Encoding");
    assertThat(roots.header("Content-Length")).contains(Integer.toString(roots.body().length));
    assertThat(roots.framing()).isEqualTo("length");
  }

  @Test
  void errorsCarryTheSniffedContentTypeAfterContentLengthLikeGo() {
    RawHttp.Response wrongMethod = get("/v1/agent/connect/authorize");

    assertThat(wrongMethod.statusLine()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
    assertThat(wrongMethod.names())
        .containsExactly(
            "Allow",
            "Vary",
            "X-Consul-Default-Acl-Policy",
            "Date",
            "Content-Length",
            "Content-Type");
    assertThat(wrongMethod.header("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(wrongMethod.text()).isEqualTo("method GET not allowed");
  }

  @Test
  void writesAnswerWithAnEmptyBodyAndNoContentType() {
    RawHttp.Response registered =
        RawHttp.exchange(
            agent.port(),
            "PUT",
            "/v1/agent/service/register",
            Map.of(),
            "{\"Name\":\"web\",\"Port\":9000,\"Connect\":{\"Native\":true}}");

    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.names())
        .containsExactly("Vary", "X-Consul-Default-Acl-Policy", "Date", "Content-Length");
    assertThat(registered.header("Content-Length")).contains("0");
  }

  @Test
  void bodiesAbove2KibAreChunkedWithoutContentLength() throws Exception {
    agent.rotateCa();
    RawHttp.Response roots = get(ROOTS);

    assertThat(roots.body().length).isGreaterThan(2048);
    assertThat(roots.framing()).isEqualTo("chunked");
    assertThat(roots.names())
        .endsWith("Date", "Transfer-Encoding")
        .doesNotContain("Content-Length");
    assertThat(JSON.readTree(roots.body()).path("Roots")).hasSize(2);
  }

  @Test
  void keepsTheConnectionAliveUntilTheClientAsksToClose() throws Exception {
    try (RawHttp http = new RawHttp(agent.port())) {
      String request = "GET " + ROOTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      http.send(request + "\r\n");
      RawHttp.Response first = http.read();
      http.send(request + "\r\n");
      RawHttp.Response second = http.read();
      http.send(request + "Connection: close\r\n\r\n");
      RawHttp.Response last = http.read();

      assertThat(List.of(first.status(), second.status(), last.status()))
          .containsExactly(200, 200, 200);
      assertThat(first.header("Connection")).isEmpty();
      assertThat(second.header("X-Cache")).contains("HIT");
      assertThat(last.names()).endsWith("Date", "Content-Length", "Connection");
      assertThat(last.header("Connection")).contains("close");
      assertThat(http.readByte()).isEqualTo(-1);
    }
  }

  @Test
  void http10ClientsGetContentLengthAndAClosedConnection() throws Exception {
    try (RawHttp http = new RawHttp(agent.port())) {
      agent.rotateCa();
      http.send("GET " + ROOTS + " HTTP/1.0\r\n\r\n");
      RawHttp.Response roots = http.read();

      assertThat(roots.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(roots.framing()).isEqualTo("length");
      assertThat(roots.body().length).isGreaterThan(2048);
      assertThat(roots.header("Connection")).isEmpty();
      assertThat(http.readByte()).isEqualTo(-1);
    }
  }

  @Test
  void readsChunkedRequestBodiesWithExtensionsAndTrailers() throws Exception {
    String body = "{\"Name\":\"web\",\"Port\":9000,\"Connect\":{\"Native\":true}}";
    try (RawHttp http = new RawHttp(agent.port())) {
      http.send(
          "PUT /v1/agent/service/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n"
              + Integer.toHexString(10)
              + ";name=value\r\n"
              + body.substring(0, 10)
              + "\r\n"
              + Integer.toHexString(body.length() - 10).toUpperCase(java.util.Locale.ROOT)
              + "\r\n"
              + body.substring(10)
              + "\r\n0\r\nX-Trailer: yes\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }
    JsonNode services = JSON.readTree(get("/v1/agent/services").body());
    assertThat(services.path("web").path("Port").asInt()).isEqualTo(9000);
  }

  @Test
  void answers100ContinueBeforeReadingAnExpectedBody() throws Exception {
    String body = "{\"Name\":\"echo\",\"Port\":9001}";
    try (RawHttp http = new RawHttp(agent.port())) {
      http.send(
          "PUT /v1/agent/service/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Expect: 100-continue\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n");
      RawHttp.Response interim = http.read();
      assertThat(interim.statusLine()).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(interim.headers()).isEmpty();
      http.send(body);
      assertThat(http.read().status()).isEqualTo(200);
    }
    assertThat(JSON.readTree(get("/v1/agent/services").body()).has("echo")).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no version|GET /v1/agent/self\\r\\nHost: a\\r\\n\\r\\n|400|400 Bad Request",
        "not a request|GARBAGE\\r\\n\\r\\n|400|400 Bad Request",
        "relative target|GET v1/agent/self HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400|400 Bad Request",
        "header without colon|GET / HTTP/1.1\\r\\nHost: a\\r\\nbroken\\r\\n\\r\\n|400|"
            + "400 Bad Request: malformed MIME header line: broken",
        "missing Host|GET / HTTP/1.1\\r\\n\\r\\n|400|400 Bad Request: missing required Host header",
        "bad length|PUT / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: -1\\r\\n\\r\\n|400|"
            + "400 Bad Request: bad Content-Length",
        "bad chunk|PUT / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n|400|"
            + "400 Bad Request: malformed chunk size",
        "gzip|PUT / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|501|"
            + "501 Not Implemented: unsupported transfer encoding",
        "HTTP/2.0|GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n|505|"
            + "505 HTTP Version Not Supported: unsupported protocol version",
      })
  void refusesMalformedRequestsAndClosesTheConnection(
      String name, String request, int status, String text) throws Exception {
    try (RawHttp http = new RawHttp(agent.port())) {
      http.send(request.replace("\\r\\n", "\r\n"));
      RawHttp.Response refusal = http.read();

      assertThat(refusal.status()).isEqualTo(status);
      assertThat(refusal.names()).containsExactly("Content-Type", "Connection");
      assertThat(refusal.header("Connection")).contains("close");
      assertThat(refusal.framing()).isEqualTo("close");
      assertThat(refusal.text()).isEqualTo(text);
    }
    assertThat(get(ROOTS).status()).as("the agent still serves").isEqualTo(200);
  }

  @Test
  void resetMidBodyResetsTheConnectionUnderHttpUrlConnection() throws Exception {
    int full = get(ROOTS).body().length;
    agent.faults().resetMidBody(ROOTS);
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(agent.url() + ROOTS).toURL().openConnection();
    try {
      assertThat(connection.getResponseCode()).isEqualTo(200);
      assertThat(connection.getContentLengthLong()).isEqualTo(full);
      try (InputStream body = connection.getInputStream()) {
        assertThatThrownBy(body::readAllBytes)
            .isInstanceOf(SocketException.class)
            .hasMessageContaining("Connection reset");
      }
    } finally {
      connection.disconnect();
    }
  }

  @Test
  void resetMidBodySendsHalfTheAnnouncedBodyThenARst() throws Exception {
    int full = get(ROOTS).body().length;
    agent.faults().resetMidBody(ROOTS);
    try (RawHttp http = new RawHttp(agent.port())) {
      http.send("GET " + ROOTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawHttp.Response head = http.readHead();
      assertThat(head.header("Content-Length")).contains(Integer.toString(full));
      assertThat(http.exactly(full / 2)).hasSize(full / 2);
      assertThatThrownBy(http::readByte)
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("Connection reset");
    }
  }

  private RawHttp.Response get(String target) {
    return RawHttp.exchange(agent.port(), "GET", target, Map.of(), "");
  }
}
