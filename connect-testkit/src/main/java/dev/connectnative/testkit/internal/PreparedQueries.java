package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Prepared queries: a name, a service, and whether only passing instances count. */
public final class PreparedQueries {
  /**
   * One stored query.
   *
   * @param id query id
   * @param name query name (may be empty)
   * @param service service to look up
   * @param onlyPassing drop instances with a warning or critical check
   * @param createIndex index it was created at
   */
  public record Query(
      String id, String name, String service, boolean onlyPassing, long createIndex) {}

  private final AgentState state;
  private final Map<String, Query> byId = new LinkedHashMap<>();

  /** Creates an empty store. */
  public PreparedQueries(AgentState state) {
    this.state = state;
  }

  /** Stores a query and returns its id; the caller holds the lock. */
  public String create(String name, String service, boolean onlyPassing) {
    if (!name.isEmpty() && byId.values().stream().anyMatch(q -> q.name().equals(name))) {
      throw new ApiException(500, "a prepared query with name \"" + name + "\" already exists");
    }
    String id = UUID.randomUUID().toString();
    byId.put(id, new Query(id, name, service, onlyPassing, state.nextIndex()));
    state.changed();
    return id;
  }

  /** Finds a query by id, then by name; the caller holds the lock. */
  public Optional<Query> find(String idOrName) {
    Query byKey = byId.get(idOrName);
    if (byKey != null) {
      return Optional.of(byKey);
    }
    return byId.values().stream().filter(q -> q.name().equals(idOrName)).findFirst();
  }

  /** Removes a query; the caller holds the lock. */
  public boolean delete(String id) {
    boolean removed = byId.remove(id) != null;
    if (removed) {
      state.nextIndex();
      state.changed();
    }
    return removed;
  }

  /** Renders {@code GET /v1/query}; the caller holds the lock. */
  public ArrayNode listJson() {
    ArrayNode out = Json.array();
    for (Query query : byId.values()) {
      out.add(json(query));
    }
    return out;
  }

  /** Renders one query definition. */
  public static ObjectNode json(Query query) {
    ObjectNode node = Json.object();
    node.put("ID", query.id());
    node.put("Name", query.name());
    node.put("Session", "");
    node.put("Token", "");
    ObjectNode service = node.putObject("Service");
    service.put("Service", query.service());
    service.put("OnlyPassing", query.onlyPassing());
    service.put("Connect", false);
    node.putObject("DNS").put("TTL", "");
    node.put("CreateIndex", query.createIndex());
    node.put("ModifyIndex", query.createIndex());
    return node;
  }
}
