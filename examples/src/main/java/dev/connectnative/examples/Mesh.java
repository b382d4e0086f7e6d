package dev.connectnative.examples;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.testkit.DevAgent;
import java.time.Duration;
import java.util.Locale;

/**
 * The Consul agent an example runs against: the real agent named by {@code CONSUL_HTTP_ADDR} (with
 * {@code CONSUL_HTTP_TOKEN} and the other {@code CONSUL_*} variables) when it is set, otherwise an
 * embedded dev agent from {@code connect-testkit} started on a free loopback port.
 *
 * <pre>{@code
 * try (Mesh mesh = Mesh.start();
 *     ConnectService web = mesh.service("web").build()) {
 *   web.awaitReady(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the embedded agent, if one was started; a real agent is left running.
 */
public final class Mesh implements AutoCloseable {
  /** How soon the embedded agent hands out leaves signed by a new root after a CA rotation. */
  private static final Duration DEV_LEAF_RENEW_JITTER = Duration.ofSeconds(1);

  private final AgentConfig agent;
  private final DevAgent devAgent;
  private final ConsulAdmin admin;

  private Mesh(AgentConfig agent, DevAgent devAgent) {
    this.agent = agent;
    this.devAgent = devAgent;
    this.admin = new ConsulAdmin(agent);
  }

  /**
   * Connects to the agent named by the process environment ({@code CONSUL_HTTP_ADDR}, …), or starts
   * the embedded dev agent when {@code CONSUL_HTTP_ADDR} is not set.
   *
   * @return the mesh; close it when done
   * @throws IllegalArgumentException if a {@code CONSUL_*} variable cannot be understood
   */
  public static Mesh start() {
    String address = System.getenv("CONSUL_HTTP_ADDR");
    if (address != null && !address.isBlank()) {
      return connect(AgentConfig.fromEnvironment());
    }
    return startEmbedded();
  }

  /**
   * Uses the agent {@code agent} describes; nothing is started.
   *
   * @param agent how to reach the agent
   * @return the mesh
   */
  public static Mesh connect(AgentConfig agent) {
    return new Mesh(requireNonNull(agent, "agent"), null);
  }

  /**
   * Starts the embedded dev agent on a free loopback port.
   *
   * @return the mesh; close it to stop the agent
   */
  public static Mesh startEmbedded() {
    DevAgent dev = DevAgent.builder().leafRenewJitter(DEV_LEAF_RENEW_JITTER).start();
    return new Mesh(AgentConfig.builder().address(dev.address()).build(), dev);
  }

  /**
   * Tells whether this mesh runs on the embedded dev agent.
   *
   * @return {@code true} for the embedded agent, {@code false} for a real one
   */
  public boolean embedded() {
    return devAgent != null;
  }

  /**
   * Describes the agent in a sentence, for the examples' output.
   *
   * @return e.g. {@code the embedded dev agent at 127.0.0.1:41234}
   */
  public String description() {
    if (embedded()) {
      return "the embedded dev agent (connect-testkit) at " + devAgent.address();
    }
    String where =
        agent.unixSocket().map(Object::toString).orElse(agent.host() + ":" + agent.port());
    boolean token = agent.token().isPresent() || agent.tokenFile().isPresent();
    return "the Consul agent at "
        + agent.transport().name().toLowerCase(Locale.ROOT)
        + "://"
        + where
        + agent.pathPrefix()
        + (token ? ", with an ACL token" : ", without an ACL token");
  }

  /**
   * Returns how services reach the agent.
   *
   * @return the agent settings
   */
  public AgentConfig agent() {
    return agent;
  }

  /**
   * Returns the operator's client of this agent.
   *
   * @return the admin client
   */
  public ConsulAdmin admin() {
    return admin;
  }

  /**
   * Starts building a Connect service that talks to this mesh's agent.
   *
   * @param name the service name
   * @return a builder with the agent set
   */
  public Connect.Builder service(String name) {
    return Connect.service(name).agent(agent);
  }

  /** Stops the embedded agent if one was started. Idempotent. */
  @Override
  public void close() {
    if (devAgent != null) {
      devAgent.close();
    }
  }
}
