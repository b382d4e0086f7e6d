package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP front frees its port and threads on stop, restart and close. */
class HttpLifecycleTest {
  private static final String ROOTS = "/v1/agent/connect/ca/roots";
  private static final String LEAF = "/v1/agent/connect/ca/leaf/";

  private final ExecutorService clients =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "http-lifecycle-client");
            t.setDaemon(true);
            return t;
          });

  @AfterEach
  void stopClients() {
    clients.shutdownNow();
  }

  @Test
  void closeAnswersHeldRequestsThenFreesThePortAndEndsEveryThread() throws Exception {
    DevAgent agent = DevAgent.builder().start();
    int port = agent.port();
    String index = get(port, ROOTS).header("X-Consul-Index").orElseThrow();
    agent.faults().stall(LEAF);
    CompletableFuture<RawHttp.Response> blocked =
        CompletableFuture.supplyAsync(
            () -> get(port, ROOTS + "?index=" + index + "&wait=60s"), clients);
    CompletableFuture<RawHttp.Response> stalled =
        CompletableFuture.supplyAsync(() -> get(port, LEAF + "web"), clients);
    try (RawHttp idle = new RawHttp(port)) {
      idle.send("GET " + ROOTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(idle.read().status()).isEqualTo(200);
      Awaitility.await()
          .until(() -> agent.requestCount(ROOTS) == 3 && agent.requestCount(LEAF) == 1);
      assertThat(blocked).isNotDone();
      assertThat(stalled).isNotDone();
      assertThat(httpThreads(port)).hasSizeGreaterThanOrEqualTo(4);

      agent.close();

      assertThat(httpThreads(port)).isEmpty();
      assertThat(blocked.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(stalled.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(idle.readByte()).isEqualTo(-1);
    }
    assertPortFree(port);
    agent.close();
    assertThat(httpThreads(port)).isEmpty();
  }

  @Test
  void stopEndsThreadsAndRestartServesOnTheSamePort() throws Exception {
    DevAgent agent = DevAgent.builder().start();
    try {
      int port = agent.port();
      assertThat(get(port, ROOTS).status()).isEqualTo(200);

      agent.stop();
      assertThat(httpThreads(port)).isEmpty();
      assertThatThrownBy(() -> new RawHttp(port).close()).isInstanceOf(ConnectException.class);

      agent.restart();
      assertThat(agent.port()).isEqualTo(port);
      assertThat(get(port, ROOTS).status()).isEqualTo(200);
      agent.restart();
      assertThat(get(port, ROOTS).status()).isEqualTo(200);
      agent.close();
      assertThat(httpThreads(port)).isEmpty();
    } finally {
      agent.close();
    }
  }

  @Test
  void repeatedStartsAndClosesWithOpenConnectionsLeaveNoThreads() throws Exception {
    List<Integer> ports = new ArrayList<>();
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        DevAgent agent = DevAgent.builder().start();
        ports.add(agent.port());
        RawHttp connection = new RawHttp(agent.port());
        open.add(connection);
        connection.send("GET " + ROOTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(connection.read().status()).isEqualTo(200);
        agent.close();
      }
      for (int port : ports) {
        assertThat(httpThreads(port)).as("threads of the agent on %d", port).isEmpty();
      }
      for (RawHttp connection : open) {
        assertThat(connection.readByte()).isEqualTo(-1);
      }
    } finally {
      for (RawHttp connection : open) {
        connection.close();
      }
    }
  }

  private static RawHttp.Response get(int port, String target) {
    return RawHttp.exchange(port, "GET", target, Map.of(), "");
  }

  private static List<String> httpThreads(int port) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(
            n ->
                n.startsWith("connect-devagent-http-" + port + "-")
                    || n.equals("connect-devagent-accept-" + port))
        .toList();
  }

  private static void assertPortFree(int port) throws Exception {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(probe.getLocalPort()).isEqualTo(port);
    }
  }
}
