package dev.connectnative.internal.agent;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * Test support for other packages: a WireMock agent fed with the recorded answers of {@code
 * shared/consul-golden}, and an {@link AgentClient} pointed at it (300 ms read-timeout margin).
 */
public final class AgentTestSupport implements AutoCloseable {
  private final WireMockAgent agent = new WireMockAgent();
  private final AgentClient client = agent.client();

  public AgentClient client() {
    return client;
  }

  public WireMockServer server() {
    return agent.server;
  }

  public void stub(MappingBuilder mapping) {
    agent.server.stubFor(mapping);
  }

  /** How many requests the server received that match {@code mapping}'s request pattern. */
  public int count(MappingBuilder mapping) {
    return agent.server.countRequestsMatching(mapping.build().getRequest()).getCount();
  }

  /** The recorded answer of {@code file}: status, headers and body. */
  public static ResponseDefinitionBuilder recorded(String file) {
    return WireMockAgent.recorded(file);
  }

  /** The recorded body of {@code file}. */
  public static String body(String file) {
    return Golden.load(file).body();
  }

  @Override
  public void close() {
    client.close();
    agent.close();
  }
}
