package dev.connectnative.internal.agent;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.connectnative.AgentConfig;
import java.time.Duration;

/** A WireMock server standing in for the agent, fed with recorded answers. */
final class WireMockAgent implements AutoCloseable {
  final WireMockServer server;

  WireMockAgent() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  AgentConfig config() {
    return AgentConfig.builder().address("127.0.0.1:" + server.port()).build();
  }

  AgentClient client() {
    return AgentClient.create(config(), Duration.ofMillis(300));
  }

  static ResponseDefinitionBuilder recorded(String file) {
    Golden g = Golden.load(file);
    ResponseDefinitionBuilder r = WireMock.aResponse().withStatus(g.status()).withBody(g.body());
    g.headers().forEach(r::withHeader);
    return r;
  }

  static ResponseDefinitionBuilder recordedWithIndex(String file, long index) {
    Golden g = Golden.load(file);
    ResponseDefinitionBuilder r = WireMock.aResponse().withStatus(g.status()).withBody(g.body());
    g.headers().forEach((k, v) -> r.withHeader(k, k.equals("X-Consul-Index") ? "" + index : v));
    return r;
  }

  @Override
  public void close() {
    server.stop();
  }
}
