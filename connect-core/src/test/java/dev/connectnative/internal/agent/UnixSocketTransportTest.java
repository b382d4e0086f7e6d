package dev.connectnative.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP to the agent over a real unix domain socket served by a tiny JDK server. */
class UnixSocketTransportTest {
  @TempDir Path dir;
  private ServerSocketChannel server;
  private Thread serverThread;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      serverThread.join(5_000);
    }
  }

  private Path serve(String status, String body, String extraHeaders) throws IOException {
    Path socket = dir.resolve("agent.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("HTTP/1.1 "
                + status
                + "\r\nContent-Type: application/json\r\n"
                + extraHeaders
                + "Content-Length: "
                + bodyBytes.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    serverThread =
        new Thread(
            () -> {
              while (server.isOpen()) {
                try (SocketChannel ch = server.accept()) {
                  requests.add(readHead(ch));
                  ch.write(ByteBuffer.wrap(head));
                  ch.write(ByteBuffer.wrap(bodyBytes));
                } catch (IOException e) {
                  return;
                }
              }
            },
            "test-unix-agent");
    serverThread.setDaemon(true);
    serverThread.start();
    return socket;
  }

  private static String readHead(SocketChannel ch) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      one.clear();
      if (ch.read(one) < 0) {
        break;
      }
      head.write(one.array()[0]);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsRootsOverUnixSocket() throws IOException {
    Golden roots = Golden.load("05-ca-roots.http");
    Path socket = serve("200 OK", roots.body(), "X-Consul-Index: 9\r\n");
    AgentConfig config =
        AgentConfig.builder().address("unix://" + socket).token("unix-token").build();

    try (AgentClient client = AgentClient.create(config)) {
      Indexed<CaRoots> first = client.roots(QueryOptions.NONE);
      Indexed<CaRoots> second = client.roots(QueryOptions.blocking(9, Duration.ofSeconds(1)));

      assertThat(first.index()).isEqualTo(9);
      assertThat(first.value().activeRoot()).isPresent();
      assertThat(second.value()).isEqualTo(first.value());
    }
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0))
        .startsWith("GET /v1/agent/connect/ca/roots HTTP/1.1\r\n")
        .contains("X-Consul-Token: unix-token");
    assertThat(requests.get(1)).startsWith("GET /v1/agent/connect/ca/roots?index=9&wait=1000ms ");
  }

  @Test
  void postOverUnixSocket() throws IOException {
    Path socket = serve("200 OK", "{\"Authorized\":false,\"Reason\":\"denied\"}", "");
    AgentConfig config = AgentConfig.builder().address("unix://" + socket).build();

    try (AgentClient client = AgentClient.create(config)) {
      assertThat(client.authorize("echo", "spiffe://x.consul/ns/default/dc/dc1/svc/web", "01"))
          .isEqualTo(new AuthorizeResult(false, "denied"));
      assertThat(client.authorize("echo", "spiffe://x.consul/ns/default/dc/dc1/svc/web", "01"))
          .isEqualTo(new AuthorizeResult(false, "denied"));
    }
  }

  @Test
  void missingSocketIsStatusZeroNamingThePath() {
    Path missing = dir.resolve("nope.sock");
    AgentConfig config = AgentConfig.builder().address("unix://" + missing).build();

    try (AgentClient client = AgentClient.create(config)) {
      assertThatThrownBy(() -> client.roots(QueryOptions.NONE))
          .isInstanceOfSatisfying(
              AgentException.class,
              e -> {
                assertThat(e.status()).isZero();
                assertThat(e.getMessage()).contains(missing.toString());
              });
    }
  }
}
