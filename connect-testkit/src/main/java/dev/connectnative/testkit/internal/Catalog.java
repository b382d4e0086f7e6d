package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** The single node's services and checks, with the per-service indexes blocking queries use. */
public final class Catalog {
  /**
   * A service as registered.
   *
   * @param id service id
   * @param name service name
   * @param address address ({@code ""} = the node's)
   * @param port port
   * @param tags tags
   * @param meta metadata
   * @param connectNative whether {@code Connect.Native} is set
   * @param checks TTL checks registered with it
   */
  public record ServiceDef(
      String id,
      String name,
      String address,
      int port,
      List<String> tags,
      Map<String, String> meta,
      boolean connectNative,
      List<CheckDef> checks) {
    /** Copies the collections. */
    public ServiceDef {
      tags = List.copyOf(tags);
      meta = Map.copyOf(meta);
      checks = List.copyOf(checks);
    }
  }

  /**
   * A TTL check registered with a service.
   *
   * @param id check id
   * @param name check name
   * @param ttl the TTL text ({@code "10m"})
   * @param status the initial status
   */
  public record CheckDef(String id, String name, String ttl, String status) {}

  private static final class ServiceEntry {
    final ServiceDef def;
    final long createIndex;
    long modifyIndex;

    ServiceEntry(ServiceDef def, long index) {
      this.def = def;
      this.createIndex = index;
      this.modifyIndex = index;
    }
  }

  private static final class CheckEntry {
    final CheckDef def;
    final String serviceId;
    final String serviceName;
    final List<String> serviceTags;
    final long createIndex;
    final Duration ttl;
    String status;
    String output = "";
    long modifyIndex;
    Instant expiresAt;

    CheckEntry(CheckDef def, ServiceDef service, long index, Instant now) {
      this.def = def;
      this.serviceId = service.id();
      this.serviceName = service.name();
      this.serviceTags = service.tags();
      this.status = def.status();
      this.createIndex = index;
      this.modifyIndex = index;
      this.ttl = Blocking.parseGoDuration(def.ttl()).orElseThrow();
      this.expiresAt = now.plus(ttl);
    }
  }

  private final AgentState state;
  private final String datacenter;
  private final String nodeName;
  private final UUID nodeId;
  private final long nodeIndex;
  private final Map<String, ServiceEntry> services = new TreeMap<>();
  private final Map<String, CheckEntry> checks = new TreeMap<>();
  private final Map<String, Long> nameIndex = new HashMap<>();

  /** Registers the node itself; the caller holds the lock. */
  public Catalog(AgentState state, String datacenter, String nodeName, UUID nodeId) {
    this.state = state;
    this.datacenter = datacenter;
    this.nodeName = nodeName;
    this.nodeId = nodeId;
    this.nodeIndex = state.nextIndex();
  }

  /** Registers or replaces a service and its checks; the caller holds the lock. */
  public void register(ServiceDef def) {
    long index = state.nextIndex();
    ServiceEntry previous = services.get(def.id());
    if (previous != null) {
      removeChecksOf(def.id());
      nameIndex.put(previous.def.name(), index);
    }
    services.put(def.id(), new ServiceEntry(def, index));
    for (CheckDef check : def.checks()) {
      checks.put(check.id(), new CheckEntry(check, def, index, state.clock().instant()));
    }
    nameIndex.put(def.name(), index);
    state.changed();
  }

  /** Removes a service and its checks; the caller holds the lock. Returns false if unknown. */
  public boolean deregister(String id) {
    ServiceEntry removed = services.remove(id);
    if (removed == null) {
      return false;
    }
    removeChecksOf(id);
    nameIndex.put(removed.def.name(), state.nextIndex());
    state.changed();
    return true;
  }

  /**
   * Updates a TTL check; the caller holds the lock.
   *
   * @return false if there is no such check
   */
  public boolean updateCheck(String checkId, String status, String output) {
    CheckEntry check = checks.get(checkId);
    if (check == null) {
      return false;
    }
    check.expiresAt = state.clock().instant().plus(check.ttl);
    setStatus(check, status, output);
    return true;
  }

  private void setStatus(CheckEntry check, String status, String output) {
    if (status.equals(check.status) && output.equals(check.output)) {
      return;
    }
    long index = state.nextIndex();
    check.status = status;
    check.output = output;
    check.modifyIndex = index;
    nameIndex.put(check.serviceName, index);
    state.changed();
  }

  /**
   * Marks TTL checks that were not updated within their TTL critical, with Consul's output; the
   * caller holds the lock.
   */
  public void expireChecks() {
    Instant now = state.clock().instant();
    for (CheckEntry check : checks.values()) {
      if (check.expiresAt != null && !now.isBefore(check.expiresAt)) {
        check.expiresAt = null;
        String output =
            check.output.isEmpty()
                ? "TTL expired"
                : "TTL expired (last output before timeout follows): " + check.output;
        setStatus(check, "critical", output);
      }
    }
  }

  /** Returns when the next TTL check expires; the caller holds the lock. */
  public Optional<Instant> nextExpiry() {
    return checks.values().stream()
        .map(c -> c.expiresAt)
        .filter(java.util.Objects::nonNull)
        .min(Instant::compareTo);
  }

  /** Returns the service name a check belongs to; the caller holds the lock. */
  public Optional<String> serviceNameOfCheck(String checkId) {
    return Optional.ofNullable(checks.get(checkId)).map(c -> c.serviceName);
  }

  /** Returns a registered service by id; the caller holds the lock. */
  public Optional<ServiceDef> service(String id) {
    return Optional.ofNullable(services.get(id)).map(e -> e.def);
  }

  /**
   * Returns the index of the last change to instances of {@code name}; the caller holds the lock.
   */
  public long indexOf(String name) {
    return nameIndex.getOrDefault(name, nodeIndex);
  }

  private void removeChecksOf(String serviceId) {
    checks.values().removeIf(c -> c.serviceId.equals(serviceId));
  }

  /** Renders {@code /v1/agent/services}; the caller holds the lock. */
  public ObjectNode agentServicesJson(java.util.function.Predicate<String> visible) {
    ObjectNode out = Json.object();
    for (ServiceEntry entry : services.values()) {
      if (!visible.test(entry.def.name())) {
        continue;
      }
      ServiceDef def = entry.def;
      ObjectNode node = out.putObject(def.id());
      node.put("ID", def.id());
      node.put("Service", def.name());
      stringArray(node.putArray("Tags"), def.tags());
      ObjectNode meta = node.putObject("Meta");
      new TreeMap<>(def.meta()).forEach(meta::put);
      node.put("Port", def.port());
      node.put("Address", def.address());
      taggedAddresses(node.putObject("TaggedAddresses"), def);
      weights(node.putObject("Weights"));
      node.put("EnableTagOverride", false);
      if (def.connectNative()) {
        node.putObject("Connect").put("Native", true);
      }
      node.put("Datacenter", datacenter);
    }
    return out;
  }

  /**
   * Returns the health entries of {@code name}'s Connect-capable instances, in service id order;
   * the caller holds the lock.
   */
  public List<ObjectNode> connectHealth(String name, boolean passingOnly) {
    return health(name, passingOnly, true);
  }

  /** Returns the health entries of every instance of {@code name}; the caller holds the lock. */
  public List<ObjectNode> health(String name, boolean passingOnly) {
    return health(name, passingOnly, false);
  }

  private List<ObjectNode> health(String name, boolean passingOnly, boolean connectOnly) {
    List<ObjectNode> out = new ArrayList<>();
    for (ServiceEntry entry : services.values()) {
      if (!entry.def.name().equals(name) || (connectOnly && !entry.def.connectNative())) {
        continue;
      }
      List<ObjectNode> entryChecks = new ArrayList<>();
      entryChecks.add(serfHealth());
      boolean passing = true;
      for (CheckEntry check : checks.values()) {
        if (check.serviceId.equals(entry.def.id())) {
          entryChecks.add(checkJson(check));
          passing &= "passing".equals(check.status);
        }
      }
      if (passingOnly && !passing) {
        continue;
      }
      ObjectNode node = Json.object();
      node.set("Node", nodeJson());
      node.set("Service", healthService(entry));
      ArrayNode checkArray = node.putArray("Checks");
      entryChecks.forEach(checkArray::add);
      out.add(node);
    }
    return out;
  }

  /** Returns {@code /v1/catalog/connect/<name>} entries; the caller holds the lock. */
  public List<ObjectNode> connectCatalog(String name) {
    List<ObjectNode> out = new ArrayList<>();
    for (ServiceEntry entry : services.values()) {
      ServiceDef def = entry.def;
      if (!def.name().equals(name) || !def.connectNative()) {
        continue;
      }
      ObjectNode node = Json.object();
      node.put("ID", nodeId.toString());
      node.put("Node", nodeName);
      node.put("Address", "127.0.0.1");
      node.put("Datacenter", datacenter);
      nodeTaggedAddresses(node.putObject("TaggedAddresses"));
      node.putObject("NodeMeta").put("consul-network-segment", "");
      node.put("ServiceKind", "");
      node.put("ServiceID", def.id());
      node.put("ServiceName", def.name());
      stringArray(node.putArray("ServiceTags"), def.tags());
      node.put("ServiceAddress", def.address());
      taggedAddresses(node.putObject("ServiceTaggedAddresses"), def);
      weights(node.putObject("ServiceWeights"));
      ObjectNode serviceMeta = node.putObject("ServiceMeta");
      new TreeMap<>(def.meta()).forEach(serviceMeta::put);
      node.put("ServicePort", def.port());
      node.put("ServiceSocketPath", "");
      node.put("ServiceEnableTagOverride", false);
      proxy(node.putObject("ServiceProxy"));
      node.putObject("ServiceConnect").put("Native", true);
      node.put("CreateIndex", entry.createIndex);
      node.put("ModifyIndex", entry.modifyIndex);
      out.add(node);
    }
    return out;
  }

  private ObjectNode healthService(ServiceEntry entry) {
    ServiceDef def = entry.def;
    ObjectNode node = Json.object();
    node.put("ID", def.id());
    node.put("Service", def.name());
    stringArray(node.putArray("Tags"), def.tags());
    node.put("Address", def.address());
    taggedAddresses(node.putObject("TaggedAddresses"), def);
    metaOrNull(node, "Meta", def.meta());
    node.put("Port", def.port());
    weights(node.putObject("Weights"));
    node.put("EnableTagOverride", false);
    proxy(node.putObject("Proxy"));
    ObjectNode connect = node.putObject("Connect");
    if (def.connectNative()) {
      connect.put("Native", true);
    }
    node.put("CreateIndex", entry.createIndex);
    node.put("ModifyIndex", entry.modifyIndex);
    return node;
  }

  private ObjectNode nodeJson() {
    ObjectNode node = Json.object();
    node.put("ID", nodeId.toString());
    node.put("Node", nodeName);
    node.put("Address", "127.0.0.1");
    node.put("Datacenter", datacenter);
    nodeTaggedAddresses(node.putObject("TaggedAddresses"));
    node.putObject("Meta").put("consul-network-segment", "");
    node.put("CreateIndex", nodeIndex);
    node.put("ModifyIndex", nodeIndex);
    return node;
  }

  private ObjectNode serfHealth() {
    ObjectNode node = Json.object();
    node.put("Node", nodeName);
    node.put("CheckID", "serfHealth");
    node.put("Name", "Serf Health Status");
    node.put("Status", "passing");
    node.put("Notes", "");
    node.put("Output", "Agent alive and reachable");
    node.put("ServiceID", "");
    node.put("ServiceName", "");
    node.putArray("ServiceTags");
    node.put("Type", "");
    node.put("Interval", "");
    node.put("Timeout", "");
    node.put("ExposedPort", 0);
    node.putObject("Definition");
    node.put("CreateIndex", nodeIndex);
    node.put("ModifyIndex", nodeIndex);
    return node;
  }

  private ObjectNode checkJson(CheckEntry check) {
    ObjectNode node = Json.object();
    node.put("Node", nodeName);
    node.put("CheckID", check.def.id());
    node.put("Name", check.def.name());
    node.put("Status", check.status);
    node.put("Notes", "");
    node.put("Output", check.output);
    node.put("ServiceID", check.serviceId);
    node.put("ServiceName", check.serviceName);
    stringArray(node.putArray("ServiceTags"), check.serviceTags);
    node.put("Type", "ttl");
    node.put("Interval", "");
    node.put("Timeout", "");
    node.put("ExposedPort", 0);
    node.putObject("Definition");
    node.put("CreateIndex", check.createIndex);
    node.put("ModifyIndex", check.modifyIndex);
    return node;
  }

  private static void stringArray(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static void metaOrNull(ObjectNode node, String field, Map<String, String> meta) {
    if (meta.isEmpty()) {
      node.putNull(field);
    } else {
      ObjectNode out = node.putObject(field);
      new TreeMap<>(meta).forEach(out::put);
    }
  }

  private static void taggedAddresses(ObjectNode node, ServiceDef def) {
    String address = def.address().isEmpty() ? "127.0.0.1" : def.address();
    for (String key : List.of("lan_ipv4", "wan_ipv4")) {
      ObjectNode tagged = node.putObject(key);
      tagged.put("Address", address);
      tagged.put("Port", def.port());
    }
  }

  private static void nodeTaggedAddresses(ObjectNode node) {
    node.put("lan", "127.0.0.1");
    node.put("lan_ipv4", "127.0.0.1");
    node.put("wan", "127.0.0.1");
    node.put("wan_ipv4", "127.0.0.1");
  }

  private static void weights(ObjectNode node) {
    node.put("Passing", 1);
    node.put("Warning", 1);
  }

  private static void proxy(ObjectNode node) {
    node.put("Mode", "");
    node.putObject("MeshGateway");
    node.putObject("Expose");
  }
}
