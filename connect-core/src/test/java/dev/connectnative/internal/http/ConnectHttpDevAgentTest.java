package dev.connectnative.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.testkit.DevAgent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one-liners end to end: services built against the in-process dev agent, discovery by the
 * service's own watched resolver, echo's server socket authorizing through the agent.
 */
class ConnectHttpDevAgentTest {
  private static final Duration READY = Duration.ofSeconds(10);

  private final DevAgent agent = DevAgent.builder().start();
  private final AgentConfig config = AgentConfig.builder().address(agent.address()).build();
  private final ConnectService echo = Connect.service("echo").agent(config).build();
  private final ConnectService web = Connect.service("web").agent(config).build();
  private Http1Server server;
  private OkHttpClient okHttp;

  @AfterEach
  void stop() throws IOException {
    if (okHttp != null) {
      okHttp.connectionPool().evictAll();
      okHttp.dispatcher().executorService().shutdown();
    }
    if (server != null) {
      server.close();
    }
    web.close();
    echo.close();
    agent.close();
  }

  private void startEcho() throws IOException {
    echo.awaitReady(READY);
    web.awaitReady(READY);
    server =
        new Http1Server(
            echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())));
    agent.registerService("echo", server.port());
  }

  @Test
  void okHttpOneLinerReachesEchoWithoutACatalogCallPerConnection() throws Exception {
    startEcho();
    okHttp = web.httpClient();
    for (int i = 0; i < 10; i++) {
      try (Response r =
          okHttp
              .newCall(new Request.Builder().url("https://echo.service.consul/n" + i).build())
              .execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string())
            .startsWith("GET /n" + i + " ")
            .contains("client=" + agent.serviceUri("web"));
      }
      okHttp.connectionPool().evictAll();
    }
    assertThat(server.connections.get()).isEqualTo(10);
    assertThat(agent.requestCount("/v1/health/connect/echo")).isBetween(1, 3);
  }

  @Test
  void jdkOneLinerReachesEcho() throws Exception {
    startEcho();
    HttpClient http = web.jdkHttpClient();
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("https://echo.service.dc1.consul/jdk")).build(),
                BodyHandlers.ofString())
            .body();
    assertThat(body).startsWith("GET /jdk ").contains("client=" + agent.serviceUri("web"));
  }

  @Test
  void unknownServiceFailsFast() {
    web.awaitReady(READY);
    okHttp = web.httpClient();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                okHttp
                    .newCall(new Request.Builder().url("https://nosuch.service.consul/").build())
                    .execute())
        .isInstanceOf(UnknownHostException.class)
        .hasMessage("no healthy instance of \"nosuch\" in dc1");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
