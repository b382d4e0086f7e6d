package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.testkit.TestCa;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** The built-in CA: every root ever active, the active one, and the CA configuration. */
public final class CaState {
  /** One root as listed by {@code /v1/agent/connect/ca/roots}. */
  public static final class Root {
    final TestCa ca;
    final List<X509Certificate> intermediates;
    final long createIndex;
    boolean active;
    long modifyIndex;

    Root(TestCa ca, List<X509Certificate> intermediates, long index) {
      this.ca = ca;
      this.intermediates = List.copyOf(intermediates);
      this.createIndex = index;
      this.modifyIndex = index;
      this.active = true;
    }

    /** Returns the CA behind this root. */
    public TestCa ca() {
      return ca;
    }
  }

  private final AgentState state;
  private final UUID clusterId;
  private final String leafTtl;
  private final List<Root> roots = new ArrayList<>();
  private ObjectNode config;
  private long rootsIndex;
  private long configCreateIndex;
  private long configModifyIndex;

  /** Creates the CA with a fresh EC P-256 root; the caller holds the lock. */
  public CaState(AgentState state, UUID clusterId, String leafTtl) {
    this.state = state;
    this.clusterId = clusterId;
    this.leafTtl = leafTtl;
    this.configCreateIndex = state.nextIndex();
    this.configModifyIndex = configCreateIndex;
    this.config = Json.object();
    config.put("IntermediateCertTTL", "8760h");
    config.put("LeafCertTTL", leafTtl);
    TestCa ca = TestCa.builder().clusterId(clusterId).clock(state.clock()).build();
    this.rootsIndex = state.nextIndex();
    roots.add(new Root(ca, List.of(), rootsIndex));
  }

  /** Returns the cluster id. */
  public UUID clusterId() {
    return clusterId;
  }

  /** Returns the trust domain. */
  public String trustDomain() {
    return clusterId + ".consul";
  }

  /** Returns the active root; the caller holds the lock. */
  public Root active() {
    return roots.stream().filter(r -> r.active).findFirst().orElseThrow();
  }

  /** Returns the index of the last roots change; the caller holds the lock. */
  public long rootsIndex() {
    return rootsIndex;
  }

  /**
   * Makes {@code next} the active root: cross-signs it with the current root, lists both, and
   * records {@code newConfig}; the caller holds the lock.
   */
  public void rotate(TestCa next, ObjectNode newConfig) {
    Root old = active();
    X509Certificate cross = old.ca.crossSign(next);
    long index = state.nextIndex();
    old.active = false;
    old.modifyIndex = index;
    roots.add(new Root(next, List.of(cross), index));
    rootsIndex = index;
    config = newConfig;
    configModifyIndex = index;
  }

  /** Replaces the configuration without a new root; the caller holds the lock. */
  public void updateConfig(ObjectNode newConfig) {
    config = newConfig;
    configModifyIndex = state.nextIndex();
    state.changed();
  }

  /** Returns the configured leaf TTL text ({@code "72h"}). */
  public String leafTtl() {
    return leafTtl;
  }

  /** Renders {@code /v1/agent/connect/ca/roots}; the caller holds the lock. */
  public ObjectNode rootsJson() {
    ObjectNode out = Json.object();
    out.put("ActiveRootID", active().ca.rootId());
    out.put("TrustDomain", trustDomain());
    ArrayNode list = out.putArray("Roots");
    roots.stream()
        .sorted(Comparator.comparing(r -> r.ca.rootId()))
        .forEach(r -> list.add(rootJson(r)));
    return out;
  }

  private ObjectNode rootJson(Root root) {
    X509Certificate cert = root.ca.rootCertificate();
    ObjectNode node = Json.object();
    node.put("ID", root.ca.rootId());
    node.put("Name", "Consul CA Root Cert");
    node.put("SerialNumber", cert.getSerialNumber());
    node.put("SigningKeyID", root.ca.signingKeyId());
    node.put("ExternalTrustDomain", clusterId.toString());
    node.put("NotBefore", rfc3339(cert.getNotBefore().toInstant()));
    node.put("NotAfter", rfc3339(cert.getNotAfter().toInstant()));
    node.put("RootCert", root.ca.rootPem());
    if (root.intermediates.isEmpty()) {
      node.putNull("IntermediateCerts");
    } else {
      ArrayNode pems = node.putArray("IntermediateCerts");
      root.intermediates.forEach(c -> pems.add(Pem.certificate(c)));
    }
    node.put("Active", root.active);
    node.put("PrivateKeyType", root.ca.keyAlgorithm().consulType());
    node.put("PrivateKeyBits", root.ca.keyAlgorithm().bits());
    node.put("CreateIndex", root.createIndex);
    node.put("ModifyIndex", root.modifyIndex);
    return node;
  }

  /** Renders {@code GET /v1/connect/ca/configuration}; the caller holds the lock. */
  public ObjectNode configurationJson() {
    ObjectNode out = Json.object();
    out.put("Provider", "consul");
    out.set("Config", config.deepCopy());
    out.putNull("State");
    out.put("ForceWithoutCrossSigning", false);
    out.put("CreateIndex", configCreateIndex);
    out.put("ModifyIndex", configModifyIndex);
    return out;
  }

  /** Formats an instant as Go's RFC 3339 in UTC with whole seconds. */
  public static String rfc3339(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
