package dev.connectnative.internal.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict, typed reads from a JSON object with messages naming the field, e.g. {@code field
 * "Roots[0].SerialNumber" is not a number}. Unknown fields are ignored; {@code null} and a missing
 * field are the same.
 */
final class JsonFields {
  private final JsonNode node;
  private final String where;

  private JsonFields(JsonNode node, String where) {
    this.node = node;
    this.where = where;
  }

  static JsonFields object(JsonNode node, String where) throws MalformedAnswerException {
    if (node == null || !node.isObject()) {
      throw new MalformedAnswerException(
          (where.isEmpty() ? "the answer" : "\"" + where + "\"")
              + " is not a JSON object but "
              + kind(node));
    }
    return new JsonFields(node, where);
  }

  static List<JsonNode> array(JsonNode node, String where) throws MalformedAnswerException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new MalformedAnswerException(
          (where.isEmpty() ? "the answer" : "\"" + where + "\"")
              + " is not a JSON array but "
              + kind(node));
    }
    List<JsonNode> out = new ArrayList<>(node.size());
    node.forEach(out::add);
    return out;
  }

  JsonNode raw(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  String path(String field) {
    return where.isEmpty() ? field : where + "." + field;
  }

  String text(String field) throws MalformedAnswerException {
    String v = optText(field);
    if (v == null) {
      throw missing(field, "a string");
    }
    return v;
  }

  String optText(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrong(field, "a string", v);
    }
    return v.textValue();
  }

  String textOr(String field, String fallback) throws MalformedAnswerException {
    String v = optText(field);
    return v == null ? fallback : v;
  }

  long integer(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    if (v == null) {
      throw missing(field, "an integer");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw wrong(field, "an integer", v);
    }
    return v.longValue();
  }

  long integerOr(String field, long fallback) throws MalformedAnswerException {
    return raw(field) == null ? fallback : integer(field);
  }

  boolean bool(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    if (v == null) {
      throw missing(field, "a boolean");
    }
    if (!v.isBoolean()) {
      throw wrong(field, "a boolean", v);
    }
    return v.booleanValue();
  }

  boolean boolOr(String field, boolean fallback) throws MalformedAnswerException {
    return raw(field) == null ? fallback : bool(field);
  }

  Instant instant(String field) throws MalformedAnswerException {
    String v = text(field);
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new MalformedAnswerException(
          "field \"" + path(field) + "\" is not an RFC 3339 time: \"" + v + "\"");
    }
  }

  JsonFields obj(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    if (v == null) {
      throw missing(field, "an object");
    }
    return object(v, path(field));
  }

  JsonFields optObj(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    return v == null ? null : object(v, path(field));
  }

  List<JsonNode> list(String field) throws MalformedAnswerException {
    return array(raw(field), path(field));
  }

  List<String> strings(String field) throws MalformedAnswerException {
    List<JsonNode> items = list(field);
    List<String> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isTextual()) {
        throw new MalformedAnswerException(
            "field \"" + path(field) + "[" + i + "]\" is not a string but " + kind(item));
      }
      out.add(item.textValue());
    }
    return out;
  }

  Map<String, String> stringMap(String field) throws MalformedAnswerException {
    JsonNode v = raw(field);
    if (v == null) {
      return Map.of();
    }
    JsonFields m = object(v, path(field));
    Map<String, String> out = new LinkedHashMap<>();
    var names = v.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      out.put(name, m.textOr(name, ""));
    }
    return out;
  }

  private MalformedAnswerException missing(String field, String expected) {
    return new MalformedAnswerException(
        "field \"" + path(field) + "\" is missing (expected " + expected + ")");
  }

  private MalformedAnswerException wrong(String field, String expected, JsonNode v) {
    return new MalformedAnswerException(
        "field \"" + path(field) + "\" is not " + expected + " but " + kind(v));
  }

  static String kind(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    switch (v.getNodeType()) {
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      default:
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
