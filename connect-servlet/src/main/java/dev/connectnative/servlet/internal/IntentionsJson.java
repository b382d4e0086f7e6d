package dev.connectnative.servlet.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.connectnative.SpiffeId;
import dev.connectnative.servlet.InvalidIntentionsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a {@code service-intentions} config entry as {@code GET
 * /v1/config/service-intentions/<name>} returns it, applying Consul's own normalisation and
 * validation: sources inherit the destination's namespace and partition, methods are upper-cased,
 * the precedence is recomputed and sources are ordered by it (stable), and every rule Consul
 * refuses to store is refused here too. JWT requirements cannot be enforced by this library and are
 * refused, so that no caller is let through on a rule we do not check.
 */
public final class IntentionsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DEFAULT = SpiffeId.DEFAULT_PARTITION;
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");

  /** A parsed entry: destination and sources in evaluation order. */
  public record Entry(String partition, String namespace, String name, List<SourceRule> sources) {
    public Entry {
      sources = List.copyOf(sources);
    }
  }

  private IntentionsJson() {}

  /** Parses JSON text. */
  public static Entry parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidIntentionsException(
          "service-intentions config entry is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return parse(root);
  }

  /** Parses an already decoded JSON tree. */
  public static Entry parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidIntentionsException("service-intentions config entry is not a JSON object");
    }
    String kind = text(root, "service-intentions config entry", "Kind", "");
    if (!kind.isEmpty() && !kind.equals("service-intentions")) {
      throw new InvalidIntentionsException(
          "config entry has Kind \"" + kind + "\", expected \"service-intentions\"");
    }
    String name = text(root, "service-intentions config entry", "Name", "");
    if (name.isEmpty()) {
      throw new InvalidIntentionsException("service-intentions config entry has no Name");
    }
    String what = "service-intentions \"" + name + "\": ";
    refuseJwt(root, what + "JWT");
    String namespace =
        orDefault(text(root, "service-intentions \"" + name + "\"", "Namespace", ""));
    String partition =
        orDefault(text(root, "service-intentions \"" + name + "\"", "Partition", ""));
    checkWildcards(what, namespace, name);
    boolean wildDestination = namespace.equals(SourceRule.WILDCARD) || name.equals("*");
    int destinationExact = exactCount(namespace, name);
    JsonNode sourcesNode = root.get("Sources");
    if (sourcesNode == null || !sourcesNode.isArray() || sourcesNode.isEmpty()) {
      throw new InvalidIntentionsException(what + "at least one source is required");
    }
    List<SourceRule> sources = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < sourcesNode.size(); i++) {
      SourceRule source =
          source(
              sourcesNode.get(i),
              what + "Sources[" + i + "]",
              namespace,
              partition,
              destinationExact,
              wildDestination);
      if (!seen.add(source.peer() + "|" + source.label())) {
        throw new InvalidIntentionsException(
            what + "Sources[" + i + "] defines \"" + source.label() + "\" more than once");
      }
      sources.add(source);
    }
    sources.sort(Comparator.comparingInt(SourceRule::precedence).reversed());
    return new Entry(partition, namespace, name, sources);
  }

  private static SourceRule source(
      JsonNode node,
      String where,
      String destinationNamespace,
      String destinationPartition,
      int destinationExact,
      boolean wildDestination) {
    if (node == null || !node.isObject()) {
      throw new InvalidIntentionsException(where + " is not a JSON object");
    }
    String name = text(node, where, "Name", "");
    if (name.isEmpty()) {
      throw new InvalidIntentionsException(where + ".Name is required");
    }
    String peer = text(node, where, "Peer", "");
    String samenessGroup = text(node, where, "SamenessGroup", "");
    String namespace = text(node, where, "Namespace", "");
    if (namespace.isEmpty()) {
      namespace = destinationNamespace.equals(SourceRule.WILDCARD) ? DEFAULT : destinationNamespace;
    }
    String partition = text(node, where, "Partition", "");
    if (partition.isEmpty()) {
      partition = peer.isEmpty() && samenessGroup.isEmpty() ? destinationPartition : DEFAULT;
    }
    checkWildcards(where + ".", namespace, name);
    if (partition.contains("*")) {
      throw new InvalidIntentionsException(where + ".Partition: cannot use wildcard '*'");
    }
    String type = text(node, where, "Type", "consul");
    if (!type.equals("consul")) {
      throw new InvalidIntentionsException(where + ".Type must be set to 'consul', not " + type);
    }
    JsonNode permissionsNode = node.get("Permissions");
    List<PermissionRule> permissions = new ArrayList<>();
    if (permissionsNode != null && !permissionsNode.isNull()) {
      if (!permissionsNode.isArray()) {
        throw new InvalidIntentionsException(where + ".Permissions is not a JSON array");
      }
      for (int j = 0; j < permissionsNode.size(); j++) {
        permissions.add(permission(permissionsNode.get(j), where + ".Permissions[" + j + "]"));
      }
    }
    String action = text(node, where, "Action", "");
    boolean allow = false;
    if (permissions.isEmpty()) {
      allow = action(action, where + ".Action");
    } else if (!action.isEmpty()) {
      throw new InvalidIntentionsException(
          where + ".Action must be omitted if Permissions are specified");
    } else if (wildDestination) {
      throw new InvalidIntentionsException(
          where + ".Permissions cannot be specified on intentions with wildcarded destinations");
    }
    String group = peer.isEmpty() ? samenessGroup : peer;
    int precedence = destinationExact * 3 + 3 - (2 - exactCount(namespace, name));
    return new SourceRule(partition, namespace, name, group, precedence, allow, permissions);
  }

  private static PermissionRule permission(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new InvalidIntentionsException(where + " is not a JSON object");
    }
    refuseJwt(node, where + ".JWT");
    boolean allow = action(text(node, where, "Action", ""), where + ".Action");
    JsonNode http = node.get("HTTP");
    if (http == null || http.isNull()) {
      throw new InvalidIntentionsException(where + ".HTTP is required");
    }
    if (!http.isObject()) {
      throw new InvalidIntentionsException(where + ".HTTP is not a JSON object");
    }
    return new PermissionRule(allow, http(http, where + ".HTTP"));
  }

  private static HttpRule http(JsonNode node, String where) {
    String exact = text(node, where, "PathExact", "");
    String prefix = text(node, where, "PathPrefix", "");
    String regex = text(node, where, "PathRegex", "");
    int paths = (exact.isEmpty() ? 0 : 1) + (prefix.isEmpty() ? 0 : 1) + (regex.isEmpty() ? 0 : 1);
    if (paths > 1) {
      throw new InvalidIntentionsException(
          where + " should only contain at most one of PathExact, PathPrefix, or PathRegex");
    }
    HttpRule.PathKind pathKind = null;
    String path = null;
    Pattern pathRegex = null;
    if (!exact.isEmpty()) {
      requireSlash(exact, where + ".PathExact");
      pathKind = HttpRule.PathKind.EXACT;
      path = exact;
    } else if (!prefix.isEmpty()) {
      requireSlash(prefix, where + ".PathPrefix");
      pathKind = HttpRule.PathKind.PREFIX;
      path = prefix;
    } else if (!regex.isEmpty()) {
      pathKind = HttpRule.PathKind.REGEX;
      path = regex;
      pathRegex = compile(regex, where + ".PathRegex");
    }
    List<HeaderRule> headers = new ArrayList<>();
    JsonNode headerNodes = node.get("Header");
    if (headerNodes != null && !headerNodes.isNull()) {
      if (!headerNodes.isArray()) {
        throw new InvalidIntentionsException(where + ".Header is not a JSON array");
      }
      for (int k = 0; k < headerNodes.size(); k++) {
        headers.add(header(headerNodes.get(k), where + ".Header[" + k + "]"));
      }
    }
    Set<String> methods = new LinkedHashSet<>();
    JsonNode methodNodes = node.get("Methods");
    if (methodNodes != null && !methodNodes.isNull()) {
      if (!methodNodes.isArray()) {
        throw new InvalidIntentionsException(where + ".Methods is not a JSON array");
      }
      for (JsonNode methodNode : methodNodes) {
        String method = methodNode.asText("").toUpperCase(Locale.ROOT);
        if (!methodNode.isTextual() || !HTTP_METHODS.contains(method)) {
          throw new InvalidIntentionsException(
              where + ".Methods contains an invalid method " + methodNode);
        }
        if (!methods.add(method)) {
          throw new InvalidIntentionsException(
              where + ".Methods contains \"" + method + "\" more than once");
        }
      }
    }
    if (pathKind == null && headers.isEmpty() && methods.isEmpty()) {
      throw new InvalidIntentionsException(where + " should not be empty");
    }
    return new HttpRule(pathKind, path, pathRegex, methods, headers);
  }

  private static HeaderRule header(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new InvalidIntentionsException(where + " is not a JSON object");
    }
    String name = text(node, where, "Name", "");
    if (name.isEmpty()) {
      throw new InvalidIntentionsException(where + " missing required Name field");
    }
    boolean present = bool(node, "Present", where);
    String exact = text(node, where, "Exact", "");
    String prefix = text(node, where, "Prefix", "");
    String suffix = text(node, where, "Suffix", "");
    String regex = text(node, where, "Regex", "");
    int parts =
        (present ? 1 : 0)
            + (exact.isEmpty() ? 0 : 1)
            + (prefix.isEmpty() ? 0 : 1)
            + (suffix.isEmpty() ? 0 : 1)
            + (regex.isEmpty() ? 0 : 1);
    if (parts != 1) {
      throw new InvalidIntentionsException(
          where + " should only contain one of Present, Exact, Prefix, Suffix, or Regex");
    }
    boolean invert = bool(node, "Invert", where);
    String lower = name.toLowerCase(Locale.ROOT);
    // The order follows Consul's translation to Envoy, though only one can be set.
    if (!exact.isEmpty()) {
      return new HeaderRule(lower, HeaderRule.Kind.EXACT, exact, null, invert);
    } else if (!regex.isEmpty()) {
      return new HeaderRule(
          lower, HeaderRule.Kind.REGEX, "", compile(regex, where + ".Regex"), invert);
    } else if (!prefix.isEmpty()) {
      return new HeaderRule(lower, HeaderRule.Kind.PREFIX, prefix, null, invert);
    } else if (!suffix.isEmpty()) {
      return new HeaderRule(lower, HeaderRule.Kind.SUFFIX, suffix, null, invert);
    }
    return new HeaderRule(lower, HeaderRule.Kind.PRESENT, "", null, invert);
  }

  private static int exactCount(String namespace, String name) {
    if (namespace.equals(SourceRule.WILDCARD)) {
      return 0;
    }
    return name.equals(SourceRule.WILDCARD) ? 1 : 2;
  }

  private static void checkWildcards(String where, String namespace, String name) {
    if (!namespace.equals(SourceRule.WILDCARD) && namespace.contains("*")) {
      throw new InvalidIntentionsException(
          where + "Namespace: wildcard character '*' cannot be used with partial values");
    }
    if (!name.equals(SourceRule.WILDCARD)) {
      if (name.contains("*")) {
        throw new InvalidIntentionsException(
            where + "Name: wildcard character '*' cannot be used with partial values");
      }
      if (namespace.equals(SourceRule.WILDCARD)) {
        throw new InvalidIntentionsException(
            where + "Name: exact value cannot follow wildcard namespace");
      }
    }
  }

  private static boolean action(String action, String where) {
    return switch (action) {
      case "allow" -> true;
      case "deny" -> false;
      default ->
          throw new InvalidIntentionsException(
              where + " must be set to 'allow' or 'deny', not \"" + action + "\"");
    };
  }

  private static void refuseJwt(JsonNode node, String where) {
    JsonNode jwt = node.get("JWT");
    if (jwt != null && !jwt.isNull()) {
      throw new InvalidIntentionsException(
          where
              + " is set, but JWT requirements are not enforced by connectnative;"
              + " refusing the entry rather than ignoring them");
    }
  }

  private static void requireSlash(String path, String where) {
    if (!path.startsWith("/")) {
      throw new InvalidIntentionsException(where + " doesn't start with '/': \"" + path + "\"");
    }
  }

  private static Pattern compile(String regex, String where) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidIntentionsException(
          where + " is not a valid regular expression: " + e.getDescription(), e);
    }
  }

  private static String orDefault(String value) {
    return value.isEmpty() ? DEFAULT : value;
  }

  private static String text(JsonNode node, String where, String field, String absent) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isTextual()) {
      throw new InvalidIntentionsException(where + "." + field + " is not a JSON string: " + value);
    }
    return value.asText();
  }

  private static boolean bool(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new InvalidIntentionsException(
          where + "." + field + " is not a JSON boolean: " + value);
    }
    return value.asBoolean();
  }
}
