package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /v1/agent/self}, service registration and TTL check updates. */
public final class AgentEndpoints {
  private final AgentCore core;

  /** Creates the endpoints over {@code core}. */
  public AgentEndpoints(AgentCore core) {
    this.core = core;
  }

  /** Adds this group's routes. */
  public void register(Router router) {
    router
        .exact("/v1/agent/self", List.of("GET"), this::self)
        .exact("/v1/agent/services", List.of("GET"), this::services)
        .exact("/v1/agent/service/register", List.of("PUT"), this::registerService)
        .prefix("/v1/agent/service/deregister/", List.of("PUT"), this::deregister)
        .prefix("/v1/agent/check/pass/", List.of("PUT"), r -> check(r, "pass", "passing"))
        .prefix("/v1/agent/check/warn/", List.of("PUT"), r -> check(r, "warn", "warning"))
        .prefix("/v1/agent/check/fail/", List.of("PUT"), r -> check(r, "fail", "critical"))
        .exact(
            "/v1/status/leader",
            List.of("GET"),
            r -> Reply.json(Json.MAPPER.getNodeFactory().textNode("127.0.0.1:8300")));
  }

  private Reply self(Request request) {
    if (!core.acls().resolve(request.token()).operator()) {
      throw ApiException.forbidden("Permission denied");
    }
    AgentCore.Settings settings = core.settings();
    ObjectNode out = Json.object();
    ObjectNode config = out.putObject("Config");
    config.put("Datacenter", settings.datacenter());
    config.put("PrimaryDatacenter", settings.datacenter());
    config.put("NodeName", settings.nodeName());
    config.put("NodeID", settings.nodeId().toString());
    config.put("Revision", "7bbad6fe56");
    config.put("Server", true);
    config.put("Version", "1.10.4");
    ObjectNode debug = out.putObject("DebugConfig");
    debug.put("ACLDefaultPolicy", core.acls().defaultPolicy());
    debug.put("ACLsEnabled", core.acls().enabled());
    debug.put("Datacenter", settings.datacenter());
    debug.put("NodeName", settings.nodeName());
    debug.put("ConnectEnabled", true);
    ObjectNode member = out.putObject("Member");
    member.put("Name", settings.nodeName());
    member.put("Addr", "127.0.0.1");
    member.put("Port", 8301);
    member.put("Status", 1);
    out.putObject("Meta").put("consul-network-segment", "");
    return Reply.json(out);
  }

  private Reply services(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    return core.locked(() -> Reply.json(core.catalog().agentServicesJson(authz::serviceRead)));
  }

  private Reply registerService(Request request) {
    JsonNode body;
    try {
      body = GoJson.decode(request.body());
    } catch (GoJson.DecodeException e) {
      throw new ApiException(400, "Request decode failed: " + e.getMessage());
    }
    String name = field(body, "Name").asText("");
    if (name.isEmpty()) {
      throw new ApiException(400, "Missing service name");
    }
    Acls.Authz authz = core.acls().resolve(request.token());
    if (!authz.serviceWrite(name)) {
      throw ApiException.forbidden("Permission denied: Missing service:write on " + name);
    }
    String id = field(body, "ID").asText("");
    if (id.isEmpty()) {
      id = name;
    }
    List<String> tags = new ArrayList<>();
    field(body, "Tags").forEach(t -> tags.add(t.asText()));
    Map<String, String> meta = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> metaFields = field(body, "Meta").fields();
    metaFields.forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    boolean connectNative = field(field(body, "Connect"), "Native").asBoolean(false);
    List<JsonNode> checkNodes = new ArrayList<>();
    if (!field(body, "Check").isMissingNode() && !field(body, "Check").isNull()) {
      checkNodes.add(field(body, "Check"));
    }
    field(body, "Checks").forEach(checkNodes::add);
    List<Catalog.CheckDef> checks = new ArrayList<>();
    for (int i = 0; i < checkNodes.size(); i++) {
      checks.add(checkDef(checkNodes.get(i), id, name, checkNodes.size() > 1 ? i + 1 : 0));
    }
    Catalog.ServiceDef def =
        new Catalog.ServiceDef(
            id,
            name,
            field(body, "Address").asText(""),
            field(body, "Port").asInt(0),
            tags,
            meta,
            connectNative,
            checks);
    core.locked(
        () -> {
          core.catalog().register(def);
          return null;
        });
    return Reply.empty();
  }

  private static Catalog.CheckDef checkDef(
      JsonNode node, String serviceId, String name, int ordinal) {
    String ttl = field(node, "TTL").asText("");
    if (ttl.isEmpty() || Blocking.parseGoDuration(ttl).isEmpty()) {
      throw new ApiException(
          400,
          "Invalid check: the testkit dev agent only runs TTL checks; set \"TTL\" (got "
              + node
              + ")");
    }
    String id = field(node, "CheckID").asText(field(node, "ID").asText(""));
    if (id.isEmpty()) {
      id = "service:" + serviceId + (ordinal > 0 ? ":" + ordinal : "");
    }
    String checkName = field(node, "Name").asText("");
    if (checkName.isEmpty()) {
      checkName = "Service '" + name + "' check";
    }
    String status = field(node, "Status").asText("critical");
    if (!List.of("passing", "warning", "critical").contains(status)) {
      throw new ApiException(400, "Invalid check status: \"" + status + "\"");
    }
    return new Catalog.CheckDef(id, checkName, ttl, status);
  }

  private Reply deregister(Request request) {
    String id = request.path().substring("/v1/agent/service/deregister/".length());
    Acls.Authz authz = core.acls().resolve(request.token());
    return core.locked(
        () -> {
          Optional<Catalog.ServiceDef> service = core.catalog().service(id);
          if (service.isEmpty()) {
            throw new ApiException(
                404,
                "Unknown service ID \""
                    + id
                    + "\". Ensure that the service ID is passed, not the service name.");
          }
          if (!authz.serviceWrite(service.get().name())) {
            throw ApiException.forbidden(
                "Permission denied: Missing service:write on " + service.get().name());
          }
          core.catalog().deregister(id);
          return Reply.empty();
        });
  }

  private Reply check(Request request, String verb, String status) {
    String id = request.path().substring(("/v1/agent/check/" + verb + "/").length());
    Acls.Authz authz = core.acls().resolve(request.token());
    String note = request.param("note").orElse("");
    return core.locked(
        () -> {
          Optional<String> service = core.catalog().serviceNameOfCheck(id);
          if (service.isEmpty()) {
            throw new ApiException(
                404,
                "Unknown check ID \""
                    + id
                    + "\". Ensure that the check ID is passed, not the check name.");
          }
          if (!authz.serviceWrite(service.get())) {
            throw ApiException.forbidden(
                "Permission denied: Missing service:write on " + service.get());
          }
          core.catalog().updateCheck(id, status, note);
          return Reply.empty();
        });
  }

  private static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String candidate = names.next();
      if (candidate.equalsIgnoreCase(name)) {
        return node.get(candidate);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
