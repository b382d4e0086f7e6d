package dev.connectnative.benchmarks.jmh;

import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.LeafCertificate;
import dev.connectnative.internal.authz.Authorizations;
import dev.connectnative.internal.authz.DeniedException;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What authorizing one accepted connection costs a service whose authorization cache already holds
 * the decision: the lookup the accept path runs ({@code Authorizations.require} on the service's
 * default caching agent authorizer), against an in-process dev agent that is not asked again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AuthorizationBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private DevAgent agent;
  private ConnectService server;
  private ConnectService client;
  private Authorizer authorizer;
  private AuthorizationRequest request;

  /**
   * Starts the agent and two services and makes one decision, which the cache then holds.
   *
   * @throws DeniedException if the agent does not allow the client
   */
  @Setup(Level.Trial)
  public void setUp() throws DeniedException {
    agent = DevAgent.builder().start();
    AgentConfig config = AgentConfig.builder().address(agent.address()).build();
    agent.createIntention("client", "server", IntentionAction.ALLOW);
    server = Connect.service("server").agent(config).build();
    client = Connect.service("client").agent(config).build();
    server.awaitReady(TIMEOUT);
    client.awaitReady(TIMEOUT);
    LeafCertificate leaf = client.identity().leaf();
    request = new AuthorizationRequest("server", leaf.id(), leaf.serialNumber());
    authorizer = server.authorizer();
    Authorizations.require(authorizer, request, TIMEOUT);
  }

  /**
   * One cached decision.
   *
   * @return the decision, so the work is not dead code
   * @throws DeniedException if the client is refused
   */
  @Benchmark
  public AuthorizationDecision cachedAuthorization() throws DeniedException {
    return Authorizations.require(authorizer, request, TIMEOUT);
  }

  /** Stops the services and the agent. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
    agent.close();
  }
}
