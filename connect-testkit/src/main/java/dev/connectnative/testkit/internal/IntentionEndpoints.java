package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The 1.10 intentions API and {@code service-intentions} config entries. */
public final class IntentionEndpoints {
  private final AgentCore core;

  /** Creates the endpoints over {@code core}. */
  public IntentionEndpoints(AgentCore core) {
    this.core = core;
  }

  /** Adds this group's routes. */
  public void register(Router router) {
    router
        .exact("/v1/connect/intentions", List.of("GET", "POST"), this::collection)
        .exact("/v1/connect/intentions/exact", List.of("GET", "PUT", "DELETE"), this::exact)
        .exact("/v1/connect/intentions/match", List.of("GET"), this::match)
        .exact("/v1/connect/intentions/check", List.of("GET"), this::check)
        .prefix("/v1/connect/intentions/", List.of("GET", "PUT", "DELETE"), this::byId)
        .exact("/v1/config", List.of("PUT"), this::putConfig)
        .prefix("/v1/config/", List.of("GET", "DELETE"), this::config);
  }

  private Reply collection(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    if ("GET".equals(request.method())) {
      Blocking blocking = Blocking.parse(request);
      AgentState.Indexed<ArrayNode> result =
          core.state()
              .block(
                  blocking.index(),
                  core.state().effectiveWait(blocking.waitTime()),
                  () -> {
                    ArrayNode all = core.intentions().listJson();
                    ArrayNode visible = Json.array();
                    all.forEach(
                        n -> {
                          if (authz.serviceRead(n.path("DestinationName").asText())) {
                            visible.add(n);
                          }
                        });
                    return new AgentState.Indexed<>(core.intentions().index(), visible);
                  });
      return Reply.json(result.value()).withQueryMeta(result.index());
    }
    requireWrite(authz);
    JsonNode body = decode(request);
    String source = body.path("SourceName").asText("");
    String destination = body.path("DestinationName").asText("");
    String action = action(body);
    if (source.isEmpty() || destination.isEmpty()) {
      throw new ApiException(500, "Invalid Intention: SourceName and DestinationName must be set");
    }
    String description = body.path("Description").asText("");
    String id =
        core.locked(() -> core.intentions().createLegacy(source, destination, action, description));
    ObjectNode out = Json.object();
    out.put("ID", id);
    return Reply.json(out);
  }

  private Reply exact(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    String source = required(request, "source");
    String destination = required(request, "destination");
    switch (request.method()) {
      case "GET":
        return core.locked(
            () -> {
              Optional<Intentions.Match> match =
                  core.intentions().matchDestination(destination).stream()
                      .filter(m -> m.destination().equals(destination))
                      .filter(m -> m.source().name.equals(source))
                      .findFirst();
              if (match.isEmpty() || !authz.serviceRead(destination)) {
                throw new ApiException(404, "Intention not found");
              }
              return Reply.json(core.intentions().intentionJson(match.get()))
                  .withQueryMeta(core.intentions().index());
            });
      case "PUT":
        requireWrite(authz);
        JsonNode body = decode(request);
        String action = action(body);
        String description = body.path("Description").asText("");
        core.locked(
            () -> {
              core.intentions().upsertExact(source, destination, action, description);
              return null;
            });
        return Reply.json(BooleanNode.TRUE);
      default:
        requireWrite(authz);
        core.locked(() -> core.intentions().deleteExact(source, destination));
        return Reply.json(BooleanNode.TRUE);
    }
  }

  private Reply match(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    String by = required(request, "by");
    String name = required(request, "name");
    if (!"source".equals(by) && !"destination".equals(by)) {
      throw new ApiException(400, "'by' parameter must be one of 'source' or 'destination'");
    }
    Blocking blocking = Blocking.parse(request);
    AgentState.Indexed<ObjectNode> result =
        core.state()
            .block(
                blocking.index(),
                core.state().effectiveWait(blocking.waitTime()),
                () -> {
                  ObjectNode out = Json.object();
                  ArrayNode list = out.putArray(name);
                  List<Intentions.Match> matches =
                      "destination".equals(by)
                          ? core.intentions().matchDestination(name)
                          : core.intentions().matchSource(name);
                  if (authz.serviceRead(name)) {
                    matches.forEach(m -> list.add(core.intentions().intentionJson(m)));
                  }
                  return new AgentState.Indexed<>(core.intentions().index(), out);
                });
    return Reply.json(result.value())
        .with("X-Consul-Effective-Consistency", "leader")
        .withQueryMeta(result.index());
  }

  private Reply check(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    String source = required(request, "source");
    String destination = required(request, "destination");
    if (!authz.serviceRead(destination)) {
      throw ApiException.forbidden("Permission denied");
    }
    return core.locked(
        () -> {
          Optional<Intentions.Match> match = core.intentions().decide(source, destination);
          boolean allowed = match.map(Intentions.Match::allowsL4).orElse(!core.acls().enabled());
          ObjectNode out = Json.object();
          out.put("Allowed", allowed);
          return Reply.json(out);
        });
  }

  private Reply byId(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    String id = request.path().substring("/v1/connect/intentions/".length());
    switch (request.method()) {
      case "GET":
        return core.locked(
            () -> {
              Optional<Intentions.Match> match = findById(id);
              if (match.isEmpty() || !authz.serviceRead(match.get().destination())) {
                throw new ApiException(404, "Intention not found");
              }
              return Reply.json(core.intentions().intentionJson(match.get()))
                  .withQueryMeta(core.intentions().index());
            });
      case "PUT":
        requireWrite(authz);
        JsonNode body = decode(request);
        String action = action(body);
        String description = body.path("Description").asText("");
        boolean updated =
            core.locked(() -> core.intentions().updateLegacy(id, action, description));
        if (!updated) {
          throw new ApiException(404, "Intention not found");
        }
        return Reply.json(BooleanNode.TRUE);
      default:
        requireWrite(authz);
        boolean deleted = core.locked(() -> core.intentions().deleteLegacy(id));
        if (!deleted) {
          throw new ApiException(404, "Intention not found");
        }
        return Reply.json(BooleanNode.TRUE);
    }
  }

  private Optional<Intentions.Match> findById(String id) {
    return core.intentions().all().stream().filter(m -> id.equals(m.source().legacyId)).findFirst();
  }

  private Reply putConfig(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    requireWrite(authz);
    JsonNode body = decode(request);
    String kind = body.path("Kind").asText("");
    if (!"service-intentions".equals(kind)) {
      throw new ApiException(
          400,
          "Bad request: the testkit dev agent only supports service-intentions config entries, not \""
              + kind
              + "\"");
    }
    core.locked(
        () -> {
          core.intentions().putConfigEntry(body);
          return null;
        });
    return Reply.json(BooleanNode.TRUE);
  }

  private Reply config(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    List<String> rest = request.rest("/v1/config/");
    if (rest.size() != 2 || !"service-intentions".equals(rest.get(0)) || rest.get(1).isEmpty()) {
      throw new ApiException(
          400,
          "Bad request: the testkit dev agent only serves /v1/config/service-intentions/<name>");
    }
    String name = rest.get(1);
    if ("DELETE".equals(request.method())) {
      requireWrite(authz);
      core.locked(
          () -> {
            core.intentions().deleteConfigEntry(name);
            return null;
          });
      return Reply.json(BooleanNode.TRUE);
    }
    if (!authz.serviceRead(name)) {
      throw ApiException.forbidden("Permission denied");
    }
    Blocking blocking = Blocking.parse(request);
    AgentState.Indexed<Optional<ObjectNode>> result =
        core.state()
            .block(
                blocking.index(),
                core.state().effectiveWait(blocking.waitTime()),
                () ->
                    new AgentState.Indexed<>(
                        core.intentions().index(), core.intentions().configEntryJson(name)));
    if (result.value().isEmpty()) {
      return Reply.error(
              404, "Config entry not found for \"service-intentions\" / \"" + name + "\"")
          .withQueryMeta(result.index());
    }
    return Reply.json(result.value().get()).withQueryMeta(result.index());
  }

  private static void requireWrite(Acls.Authz authz) {
    if (!authz.operator()) {
      throw ApiException.forbidden("Permission denied");
    }
  }

  private static JsonNode decode(Request request) {
    try {
      return GoJson.decode(request.body());
    } catch (GoJson.DecodeException e) {
      throw new ApiException(400, "Request decode failed: " + e.getMessage());
    }
  }

  private static String action(JsonNode body) {
    String action = body.path("Action").asText("").toLowerCase(Locale.ROOT);
    if (!"allow".equals(action) && !"deny".equals(action)) {
      throw new ApiException(500, "Invalid Intention: Action must be set to 'allow' or 'deny'");
    }
    return action;
  }

  private static String required(Request request, String name) {
    return request
        .param(name)
        .filter(v -> !v.isEmpty())
        .orElseThrow(
            () -> new ApiException(400, "required query parameter '" + name + "' not set"));
  }
}
