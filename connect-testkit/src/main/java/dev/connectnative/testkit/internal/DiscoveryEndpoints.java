package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** {@code /v1/health/connect}, {@code /v1/catalog/connect} and prepared queries. */
public final class DiscoveryEndpoints {
  private final AgentCore core;

  /** Creates the endpoints over {@code core}. */
  public DiscoveryEndpoints(AgentCore core) {
    this.core = core;
  }

  /** Adds this group's routes. */
  public void register(Router router) {
    router
        .prefix(
            "/v1/health/connect/", List.of("GET"), r -> discover(r, "/v1/health/connect/", true))
        .prefix(
            "/v1/catalog/connect/", List.of("GET"), r -> discover(r, "/v1/catalog/connect/", false))
        .exact("/v1/query", List.of("GET", "POST"), this::queries)
        .prefix("/v1/query/", List.of("GET", "DELETE"), this::query);
  }

  private Reply discover(Request request, String prefix, boolean health) {
    String service = request.path().substring(prefix.length());
    if (service.isEmpty()) {
      throw new ApiException(400, "Missing service name");
    }
    Acls.Authz authz = core.acls().resolve(request.token());
    checkDatacenter(request);
    Optional<Filter> filter = request.param("filter").map(Filter::parse);
    boolean passing = request.has("passing") && !"false".equals(request.query().get("passing"));
    Blocking blocking = Blocking.parse(request);
    AgentState state = core.state();
    AgentState.Indexed<ArrayNode> result =
        state.block(
            blocking.index(),
            state.effectiveWait(blocking.waitTime()),
            () -> {
              ArrayNode out = Json.array();
              if (authz.serviceRead(service) && authz.nodeRead()) {
                List<ObjectNode> entries =
                    health
                        ? core.catalog().connectHealth(service, passing)
                        : core.catalog().connectCatalog(service);
                entries.stream()
                    .filter(e -> filter.map(f -> f.test(e)).orElse(true))
                    .forEach(out::add);
              }
              return new AgentState.Indexed<>(core.catalog().indexOf(service), out);
            });
    return Reply.json(result.value())
        .with("X-Consul-Effective-Consistency", "leader")
        .withQueryMeta(result.index());
  }

  private void checkDatacenter(Request request) {
    Optional<String> dc = request.param("dc").filter(d -> !d.isEmpty());
    if (dc.isPresent() && !dc.get().equals(core.settings().datacenter())) {
      throw new ApiException(500, "No path to datacenter");
    }
  }

  private Reply queries(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    if ("GET".equals(request.method())) {
      return core.locked(
          () ->
              Reply.json(authz.operator() ? core.queries().listJson() : Json.array())
                  .withQueryMeta(core.state().currentIndex()));
    }
    JsonNode body;
    try {
      body = GoJson.decode(request.body());
    } catch (GoJson.DecodeException e) {
      throw new ApiException(400, "Request decode failed: " + e.getMessage());
    }
    String service = body.path("Service").path("Service").asText("");
    if (service.isEmpty()) {
      throw new ApiException(400, "Must provide a Service name to query");
    }
    if (!authz.serviceWrite(service) && !authz.operator()) {
      throw ApiException.forbidden("Permission denied");
    }
    String name = body.path("Name").asText("");
    boolean onlyPassing = body.path("Service").path("OnlyPassing").asBoolean(false);
    String id = core.locked(() -> core.queries().create(name, service, onlyPassing));
    ObjectNode out = Json.object();
    out.put("ID", id);
    return Reply.json(out);
  }

  private Reply query(Request request) {
    List<String> rest = request.rest("/v1/query/");
    Acls.Authz authz = core.acls().resolve(request.token());
    String key = rest.isEmpty() ? "" : rest.get(0);
    Optional<PreparedQueries.Query> found = core.locked(() -> core.queries().find(key));
    if (found.isEmpty()) {
      throw new ApiException(404, "Query not found");
    }
    PreparedQueries.Query query = found.get();
    if ("DELETE".equals(request.method())) {
      core.locked(() -> core.queries().delete(query.id()));
      return Reply.empty();
    }
    if (rest.size() == 1) {
      ArrayNode list = Json.array();
      list.add(PreparedQueries.json(query));
      return Reply.json(list);
    }
    if (rest.size() != 2 || !"execute".equals(rest.get(1))) {
      throw new ApiException(404, "404 page not found");
    }
    checkDatacenter(request);
    boolean connect = request.has("connect") && !"false".equals(request.query().get("connect"));
    return core.locked(
        () -> {
          core.catalog().expireChecks();
          ObjectNode out = Json.object();
          out.put("Service", query.service());
          ArrayNode nodes = out.putArray("Nodes");
          if (authz.serviceRead(query.service()) && authz.nodeRead()) {
            List<ObjectNode> entries =
                connect
                    ? core.catalog().connectHealth(query.service(), query.onlyPassing())
                    : core.catalog().health(query.service(), query.onlyPassing());
            entries.forEach(nodes::add);
          }
          out.putObject("DNS").put("TTL", "");
          out.put("Datacenter", core.settings().datacenter());
          out.put("Failovers", 0);
          return Reply.json(out).withQueryMeta(core.catalog().indexOf(query.service()));
        });
  }
}
