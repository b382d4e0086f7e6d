package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.testkit.KeyAlgorithm;
import dev.connectnative.testkit.TestCa;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** CA roots, leaf certificates, authorize and the CA configuration. */
public final class ConnectEndpoints {
  private static final Set<String> AUTHORIZE_FIELDS =
      Set.of("Target", "ClientCertURI", "ClientCertSerial");
  private static final String AUTHORIZE_TYPE = "structs.ConnectAuthorizeRequest";

  private final AgentCore core;

  /** Creates the endpoints over {@code core}. */
  public ConnectEndpoints(AgentCore core) {
    this.core = core;
  }

  /** Adds this group's routes. */
  public void register(Router router) {
    router
        .exact("/v1/agent/connect/ca/roots", List.of("GET"), this::roots)
        .exact("/v1/connect/ca/roots", List.of("GET"), this::roots)
        .prefix("/v1/agent/connect/ca/leaf/", List.of("GET"), this::leaf)
        .exact("/v1/agent/connect/authorize", List.of("POST"), this::authorize)
        .exact("/v1/connect/ca/configuration", List.of("GET", "PUT"), this::configuration);
  }

  private Reply roots(Request request) {
    Blocking blocking = Blocking.parse(request);
    AgentState state = core.state();
    AgentState.Indexed<ObjectNode> result =
        state.block(
            blocking.index(),
            state.effectiveWait(blocking.waitTime()),
            () -> new AgentState.Indexed<>(core.ca().rootsIndex(), core.ca().rootsJson()));
    Reply reply = Reply.json(result.value());
    return core.cache()
        .mark(reply, "roots", result.index(), blocking.index() > 0)
        .withIndex(result.index())
        .with("X-Consul-Knownleader", "false")
        .with("X-Consul-Lastcontact", "0")
        .with("X-Consul-Query-Backend", "blocking-query");
  }

  private Reply leaf(Request request) {
    String service = request.path().substring("/v1/agent/connect/ca/leaf/".length());
    if (service.isEmpty()) {
      throw new ApiException(500, "URI must be either service or agent");
    }
    Acls.Authz authz = core.acls().resolve(request.token());
    if (!authz.serviceWrite(service)) {
      throw ApiException.forbidden("Permission denied");
    }
    Blocking blocking = Blocking.parse(request);
    Duration wait = core.state().effectiveWait(blocking.waitTime());
    AgentState.Indexed<Map.Entry<Leaves.Entry, Boolean>> result =
        core.leaves().fetch(service, blocking.index(), wait);
    Leaves.Entry entry = result.value().getKey();
    Reply reply = Reply.json(Leaves.json(entry));
    if (result.value().getValue()) {
      long age =
          Math.max(
              0, Duration.between(entry.fetchedAt(), core.state().clock().instant()).getSeconds());
      reply = reply.with("X-Cache", "HIT").with("Age", Long.toString(age));
    } else {
      reply = reply.with("X-Cache", "MISS");
    }
    return reply.withIndex(result.index());
  }

  private Reply authorize(Request request) {
    String target;
    String clientUri;
    try {
      JsonNode body = GoJson.decode(request.body());
      Map<String, JsonNode> fields = GoJson.fields(body, AUTHORIZE_FIELDS, true, AUTHORIZE_TYPE);
      target = GoJson.string(fields, "Target", AUTHORIZE_TYPE);
      clientUri = GoJson.string(fields, "ClientCertURI", AUTHORIZE_TYPE);
      GoJson.string(fields, "ClientCertSerial", AUTHORIZE_TYPE);
    } catch (GoJson.DecodeException e) {
      throw ApiException.badRequest("Request decode failed: " + e.getMessage());
    }
    if (target.isEmpty()) {
      throw ApiException.badRequest("Target service must be specified");
    }
    Optional<SpiffeUri> uri = SpiffeUri.parse(clientUri);
    if (uri.isEmpty()) {
      throw ApiException.badRequest("ClientCertURI not a valid Connect identifier");
    }
    if (uri.get().kind() != SpiffeUri.Kind.SERVICE) {
      throw ApiException.badRequest("ClientCertURI not a valid Service identifier");
    }
    Acls.Authz authz = core.acls().resolve(request.token());
    if (!authz.serviceWrite(target)) {
      throw ApiException.forbidden("Permission denied");
    }
    SpiffeUri source = uri.get();
    return core.locked(
        () -> {
          Optional<Intentions.Match> match =
              "default".equals(source.namespace())
                  ? core.intentions().decide(source.service(), target)
                  : Optional.empty();
          ObjectNode out = Json.object();
          if (match.isPresent()) {
            out.put("Authorized", match.get().allowsL4());
            out.put("Reason", match.get().reason());
          } else if (core.acls().enabled()) {
            out.put("Authorized", false);
            out.put("Reason", "Default behavior configured by ACLs");
          } else {
            out.put("Authorized", true);
            out.put("Reason", "ACLs disabled, access is allowed by default");
          }
          String key = "authorize|" + target + "|" + clientUri;
          return core.cache().mark(Reply.json(out), key, core.intentions().index(), false);
        });
  }

  private Reply configuration(Request request) {
    Acls.Authz authz = core.acls().resolve(request.token());
    if (!authz.operator()) {
      throw ApiException.forbidden("Permission denied");
    }
    if ("GET".equals(request.method())) {
      return core.locked(
          () -> {
            ObjectNode out = core.ca().configurationJson();
            out.set("Config", sorted((ObjectNode) out.get("Config")));
            return Reply.json(out);
          });
    }
    JsonNode body;
    try {
      body = GoJson.decode(request.body());
    } catch (GoJson.DecodeException e) {
      throw ApiException.badRequest("Request decode failed: " + e.getMessage());
    }
    String provider = body.path("Provider").asText("");
    if (!"consul".equals(provider)) {
      throw new ApiException(
          500,
          "the testkit dev agent only supports the built-in \"consul\" CA provider, not \""
              + provider
              + "\"");
    }
    JsonNode config = body.path("Config");
    ObjectNode stored = config.isObject() ? ((ObjectNode) config).deepCopy() : Json.object();
    Optional<TestCa> next = nextRoot(stored);
    if (next.isPresent()) {
      core.rotate(next.get(), stored);
    } else {
      core.locked(
          () -> {
            core.ca().updateConfig(stored);
            return null;
          });
    }
    return Reply.empty();
  }

  private Optional<TestCa> nextRoot(ObjectNode config) {
    String privateKey = config.path("PrivateKey").asText("");
    TestCa.Builder builder =
        TestCa.builder().clusterId(core.settings().clusterId()).clock(core.state().clock());
    if (!privateKey.isEmpty()) {
      TestCa current = core.locked(() -> core.ca().active().ca());
      try {
        TestCa candidate = builder.privateKeyPem(privateKey).build();
        if (candidate.publicKey().equals(current.publicKey())) {
          return Optional.empty();
        }
        return Optional.of(candidate);
      } catch (IllegalArgumentException e) {
        throw new ApiException(500, "error parsing private key \"PrivateKey\": " + e.getMessage());
      }
    }
    String type = config.path("PrivateKeyType").asText("ec");
    int bits = config.path("PrivateKeyBits").asInt("rsa".equals(type) ? 2048 : 256);
    KeyAlgorithm algorithm = algorithm(type, bits);
    KeyAlgorithm current = core.locked(() -> core.ca().active().ca().keyAlgorithm());
    if (algorithm == current) {
      return Optional.empty();
    }
    return Optional.of(builder.keyAlgorithm(algorithm).build());
  }

  private static KeyAlgorithm algorithm(String type, int bits) {
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      if (algorithm.consulType().equals(type) && algorithm.bits() == bits) {
        return algorithm;
      }
    }
    throw new ApiException(
        400,
        "Invalid CA config: unsupported PrivateKeyType " + type + " with PrivateKeyBits " + bits);
  }

  private static ObjectNode sorted(ObjectNode node) {
    TreeMap<String, JsonNode> fields = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      fields.put(field.getKey(), field.getValue());
    }
    ObjectNode out = Json.object();
    fields.forEach(out::set);
    return out;
  }
}
