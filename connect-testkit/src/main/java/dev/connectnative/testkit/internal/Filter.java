package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The common forms of Consul's {@code filter} expressions, evaluated against the JSON of a result
 * entry: {@code Selector == "v"}, {@code !=}, {@code contains}, {@code not contains}, {@code "v" in
 * Selector}, {@code not in}, {@code is empty}, {@code is not empty}, joined by {@code and} / {@code
 * or} ({@code and} binds tighter) without parentheses. Selectors are dotted field paths such as
 * {@code Service.Tags} or {@code Service.Meta.version}.
 */
public final class Filter {
  private static final String SELECTOR = "([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*)";
  private static final String VALUE = "(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|[A-Za-z0-9_.-]+)";
  private static final Pattern COMPARE =
      Pattern.compile(
          "^"
              + SELECTOR
              + "\\s*(==|!=|not contains|contains|matches|not matches)\\s*"
              + VALUE
              + "$");
  private static final Pattern IN =
      Pattern.compile("^" + VALUE + "\\s+(not in|in)\\s+" + SELECTOR + "$");
  private static final Pattern EMPTY =
      Pattern.compile("^" + SELECTOR + "\\s+(is empty|is not empty)$");

  private final Predicate<JsonNode> predicate;

  private Filter(Predicate<JsonNode> predicate) {
    this.predicate = predicate;
  }

  /**
   * Parses an expression.
   *
   * @throws ApiException 400 with Consul's prefix when the expression is not understood
   */
  public static Filter parse(String expression) {
    Predicate<JsonNode> any = null;
    for (String disjunct : expression.split("\\s+or\\s+")) {
      Predicate<JsonNode> all = null;
      for (String term : disjunct.split("\\s+and\\s+")) {
        Predicate<JsonNode> p = term(term.trim(), expression);
        all = all == null ? p : all.and(p);
      }
      any = any == null ? all : any.or(all);
    }
    return new Filter(any);
  }

  /** Tells whether {@code entry} passes. */
  public boolean test(JsonNode entry) {
    return predicate.test(entry);
  }

  private static Predicate<JsonNode> term(String term, String expression) {
    boolean negate = false;
    String body = term;
    if (body.startsWith("not ")) {
      negate = true;
      body = body.substring(4).trim();
    }
    Predicate<JsonNode> p = simple(body, expression);
    return negate ? p.negate() : p;
  }

  private static Predicate<JsonNode> simple(String term, String expression) {
    Matcher m = COMPARE.matcher(term);
    if (m.matches()) {
      List<String> path = List.of(m.group(1).split("\\."));
      String op = m.group(2);
      String value = unquote(m.group(3));
      switch (op) {
        case "==":
          return n ->
              values(n, path).stream()
                  .anyMatch(v -> !v.isContainerNode() && v.asText().equals(value));
        case "!=":
          return n ->
              values(n, path).stream()
                  .noneMatch(v -> !v.isContainerNode() && v.asText().equals(value));
        case "contains":
          return n -> contains(n, path, value);
        case "not contains":
          return n -> !contains(n, path, value);
        case "matches":
          return n -> matches(n, path, value);
        default:
          return n -> !matches(n, path, value);
      }
    }
    m = IN.matcher(term);
    if (m.matches()) {
      List<String> path = List.of(m.group(3).split("\\."));
      String value = unquote(m.group(1));
      boolean in = "in".equals(m.group(2));
      return n -> contains(n, path, value) == in;
    }
    m = EMPTY.matcher(term);
    if (m.matches()) {
      List<String> path = List.of(m.group(1).split("\\."));
      boolean empty = "is empty".equals(m.group(2));
      return n -> isEmpty(n, path) == empty;
    }
    throw new ApiException(
        400,
        "Failed to create boolean expression evaluator: the testkit dev agent cannot parse \""
            + term
            + "\" in filter \""
            + expression
            + "\"");
  }

  private static List<JsonNode> values(JsonNode node, List<String> path) {
    JsonNode current = node;
    for (String part : path) {
      if (current == null || !current.isObject()) {
        return List.of();
      }
      current = current.get(part);
    }
    List<JsonNode> out = new ArrayList<>();
    if (current != null && !current.isNull()) {
      out.add(current);
    }
    return out;
  }

  private static boolean contains(JsonNode node, List<String> path, String value) {
    for (JsonNode v : values(node, path)) {
      if (v.isArray()) {
        for (JsonNode element : v) {
          if (element.asText().equals(value)) {
            return true;
          }
        }
      } else if (v.isObject()) {
        if (v.has(value)) {
          return true;
        }
      } else if (v.asText().contains(value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(JsonNode node, List<String> path, String regex) {
    Pattern pattern = Pattern.compile(regex);
    return values(node, path).stream().anyMatch(v -> pattern.matcher(v.asText()).find());
  }

  private static boolean isEmpty(JsonNode node, List<String> path) {
    List<JsonNode> found = values(node, path);
    return found.isEmpty()
        || found.get(0).isEmpty()
        || found.get(0).asText().isEmpty() && !found.get(0).isContainerNode();
  }

  private static String unquote(String value) {
    if (value.startsWith("\"") || value.startsWith("`")) {
      return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return value;
  }
}
