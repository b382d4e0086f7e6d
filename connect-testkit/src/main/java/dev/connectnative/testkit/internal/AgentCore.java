package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.testkit.KeyAlgorithm;
import dev.connectnative.testkit.TestCa;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/** Everything the dev agent knows; survives a stop and restart of its HTTP front. */
public final class AgentCore {
  /**
   * The agent's fixed settings.
   *
   * @param datacenter datacenter name
   * @param nodeName node name
   * @param nodeId node id
   * @param clusterId cluster id (trust domain UUID)
   * @param leafTtl leaf lifetime
   * @param leafRenewJitter window for leaf renewal after a root change
   * @param aclMasterToken management token, or null for ACLs off
   */
  public record Settings(
      String datacenter,
      String nodeName,
      UUID nodeId,
      UUID clusterId,
      Duration leafTtl,
      Duration leafRenewJitter,
      String aclMasterToken) {}

  private final Settings settings;
  private final AgentState state;
  private final CaState ca;
  private final Leaves leaves;
  private final Catalog catalog;
  private final Intentions intentions;
  private final Acls acls;
  private final PreparedQueries queries;
  private final ResponseCache cache;

  /** Creates the agent's state: node registered, CA root generated. */
  public AgentCore(Settings settings, Clock clock, Random random) {
    this.settings = settings;
    this.state = new AgentState(clock, random);
    state.lock().lock();
    try {
      this.catalog =
          new Catalog(state, settings.datacenter(), settings.nodeName(), settings.nodeId());
      this.ca = new CaState(state, settings.clusterId(), goDuration(settings.leafTtl()));
      this.intentions = new Intentions(state);
      state.timer(
          new AgentState.Timer() {
            @Override
            public java.util.Optional<java.time.Instant> nextDue() {
              return catalog.nextExpiry();
            }

            @Override
            public void fire() {
              catalog.expireChecks();
            }
          });
    } finally {
      state.lock().unlock();
    }
    this.leaves =
        new Leaves(
            state, ca, settings.datacenter(), settings.leafTtl(), settings.leafRenewJitter());
    this.acls = new Acls(settings.aclMasterToken());
    this.queries = new PreparedQueries(state);
    this.cache = new ResponseCache(clock);
  }

  /** Runs {@code action} under the state lock. */
  public <T> T locked(Supplier<T> action) {
    state.lock().lock();
    try {
      return action.get();
    } finally {
      state.lock().unlock();
    }
  }

  /** Rotates the CA to a fresh root of {@code algorithm}, with the given configuration. */
  public void rotate(TestCa next, ObjectNode config) {
    locked(
        () -> {
          ca.rotate(next, config);
          leaves.rootsChanged();
          return null;
        });
  }

  /** Rotates to a new generated root, recording Consul-like config for it. */
  public void rotate(KeyAlgorithm algorithm) {
    TestCa next =
        TestCa.builder()
            .clusterId(settings.clusterId())
            .keyAlgorithm(algorithm)
            .clock(state.clock())
            .build();
    ObjectNode config = Json.object();
    config.put("IntermediateCertTTL", "8760h");
    config.put("LeafCertTTL", ca.leafTtl());
    config.put("PrivateKeyBits", algorithm.bits());
    config.put("PrivateKeyType", algorithm.consulType());
    rotate(next, config);
  }

  /** Formats a duration the way Go prints it ({@code 72h0m0s} is shortened to {@code 72h}). */
  public static String goDuration(Duration d) {
    long seconds = d.getSeconds();
    if (d.getNano() == 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (d.getNano() == 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    if (d.getNano() == 0) {
      return seconds + "s";
    }
    return d.toMillis() + "ms";
  }

  /** Returns the settings. */
  public Settings settings() {
    return settings;
  }

  /** Returns the shared state. */
  public AgentState state() {
    return state;
  }

  /** Returns the CA. */
  public CaState ca() {
    return ca;
  }

  /** Returns the leaves. */
  public Leaves leaves() {
    return leaves;
  }

  /** Returns the catalog. */
  public Catalog catalog() {
    return catalog;
  }

  /** Returns the intentions. */
  public Intentions intentions() {
    return intentions;
  }

  /** Returns the ACL system. */
  public Acls acls() {
    return acls;
  }

  /** Returns the prepared queries. */
  public PreparedQueries queries() {
    return queries;
  }

  /** Returns the agent-cache emulation for {@code X-Cache} headers. */
  public ResponseCache cache() {
    return cache;
  }
}
