package dev.connectnative.benchmarks;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * An in-process {@link DevAgent} with two connectnative services on it, {@value #SERVER} and
 * {@value #CLIENT}, both ready, and an intention allowing the client to reach the server. {@link
 * #close()} closes the services, then the agent.
 */
final class Mesh implements AutoCloseable {
  static final String SERVER = "bench-server";
  static final String CLIENT = "bench-client";
  private static final Duration READY = Duration.ofSeconds(30);

  final DevAgent agent;
  final AgentConfig agentConfig;
  final ConnectService server;
  final ConnectService client;

  private Mesh(DevAgent agent, ConnectService server, ConnectService client) {
    this.agent = agent;
    this.agentConfig = AgentConfig.builder().address(agent.address()).build();
    this.server = server;
    this.client = client;
  }

  /** Starts the agent and both services, each built with {@code configure} applied. */
  static Mesh start(UnaryOperator<Connect.Builder> configure) {
    return start(configure, new ConnectListener() {});
  }

  /**
   * Starts the agent and both services, each built with {@code configure} applied, the server with
   * {@code serverListener}.
   */
  static Mesh start(UnaryOperator<Connect.Builder> configure, ConnectListener serverListener) {
    DevAgent agent = DevAgent.builder().start();
    ConnectService server = null;
    ConnectService client = null;
    try {
      AgentConfig config = AgentConfig.builder().address(agent.address()).build();
      agent.createIntention(CLIENT, SERVER, IntentionAction.ALLOW);
      server =
          configure.apply(Connect.service(SERVER).agent(config).listener(serverListener)).build();
      client = configure.apply(Connect.service(CLIENT).agent(config)).build();
      server.awaitReady(READY);
      client.awaitReady(READY);
      return new Mesh(agent, server, client);
    } catch (RuntimeException e) {
      closeAll(client, server, agent);
      throw e;
    }
  }

  /** Registers the server service at {@code port} on loopback. */
  void registerServer(int port) {
    agent.registerService(SERVER, port);
  }

  @Override
  public void close() {
    closeAll(client, server, agent);
  }

  private static void closeAll(AutoCloseable... things) {
    for (AutoCloseable thing : things) {
      if (thing != null) {
        try {
          thing.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot close " + thing, e);
        }
      }
    }
  }
}
