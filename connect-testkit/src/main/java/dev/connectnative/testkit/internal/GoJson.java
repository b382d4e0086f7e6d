package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decodes request bodies the way Go's {@code encoding/json} decoder does, with its error texts:
 * {@code EOF} for an empty body, {@code invalid character 'x' looking for beginning of object key
 * string} for bad syntax, {@code json: unknown field "X"} when unknown fields are refused, and
 * case-insensitive field names.
 */
public final class GoJson {
  /** A decode failure with Go's message. */
  public static final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    DecodeException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private GoJson(String text) {
    this.text = text;
  }

  /**
   * Decodes one JSON value from {@code body}.
   *
   * @throws DecodeException with Go's message when the body is empty or malformed
   */
  public static JsonNode decode(byte[] body) throws DecodeException {
    String text = new String(body, StandardCharsets.UTF_8);
    GoJson scanner = new GoJson(text);
    scanner.skipSpace();
    if (scanner.pos >= text.length()) {
      throw new DecodeException("EOF");
    }
    scanner.value();
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new DecodeException("invalid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Renames the fields of {@code object} to their canonical spelling (case-insensitive match, as Go
   * does) and refuses unknown ones when {@code strict}.
   *
   * @throws DecodeException {@code json: unknown field "X"} or a type mismatch
   */
  public static Map<String, JsonNode> fields(
      JsonNode object, Set<String> known, boolean strict, String goType) throws DecodeException {
    if (!object.isObject()) {
      throw new DecodeException(
          "json: cannot unmarshal " + kind(object) + " into Go value of type " + goType);
    }
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> field = it.next();
      String canonical =
          known.stream().filter(k -> k.equalsIgnoreCase(field.getKey())).findFirst().orElse(null);
      if (canonical == null) {
        if (strict) {
          throw new DecodeException("json: unknown field \"" + field.getKey() + "\"");
        }
        continue;
      }
      out.put(canonical, field.getValue());
    }
    return out;
  }

  /** Reads a string field, refusing other types like Go's decoder. */
  public static String string(Map<String, JsonNode> fields, String name, String goType)
      throws DecodeException {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new DecodeException(
          "json: cannot unmarshal "
              + kind(node)
              + " into Go struct field "
              + goType
              + "."
              + name
              + " of type string");
    }
    return node.asText();
  }

  private static String kind(JsonNode node) {
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "bool";
    }
    if (node.isArray()) {
      return "array";
    }
    if (node.isObject()) {
      return "object";
    }
    return "string";
  }

  private void value() throws DecodeException {
    skipSpace();
    if (pos >= text.length()) {
      throw new DecodeException("unexpected EOF");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        object();
        return;
      case '[':
        array();
        return;
      case '"':
        string();
        return;
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      case 'n':
        literal("null");
        return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
          return;
        }
        throw invalid(c, "looking for beginning of value");
    }
  }

  private void object() throws DecodeException {
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      skipSpace();
      if (pos >= text.length()) {
        throw new DecodeException("unexpected EOF");
      }
      if (text.charAt(pos) != '"') {
        throw invalid(text.charAt(pos), "looking for beginning of object key string");
      }
      string();
      skipSpace();
      if (pos >= text.length()) {
        throw new DecodeException("unexpected EOF");
      }
      if (text.charAt(pos) != ':') {
        throw invalid(text.charAt(pos), "after object key");
      }
      pos++;
      value();
      skipSpace();
      if (pos >= text.length()) {
        throw new DecodeException("unexpected EOF");
      }
      char c = text.charAt(pos++);
      if (c == '}') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after object key:value pair");
      }
    }
  }

  private void array() throws DecodeException {
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      value();
      skipSpace();
      if (pos >= text.length()) {
        throw new DecodeException("unexpected EOF");
      }
      char c = text.charAt(pos++);
      if (c == ']') {
        return;
      }
      if (c != ',') {
        throw invalid(c, "after array element");
      }
    }
  }

  private void string() throws DecodeException {
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw invalid(c, "in string literal");
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          break;
        }
        char e = text.charAt(pos++);
        if ("\"\\/bfnrtu".indexOf(e) < 0) {
          throw invalid(e, "in string escape code");
        }
      }
    }
    throw new DecodeException("unexpected EOF");
  }

  private void literal(String word) throws DecodeException {
    for (int i = 0; i < word.length(); i++) {
      if (pos >= text.length()) {
        throw new DecodeException("unexpected EOF");
      }
      char c = text.charAt(pos++);
      if (c != word.charAt(i)) {
        throw invalid(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
      }
    }
  }

  private void number() {
    while (pos < text.length() && "+-.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private static DecodeException invalid(char c, String context) {
    String quoted;
    if (c == '\'') {
      quoted = "'\\''";
    } else if (c == '"') {
      quoted = "'\"'";
    } else if (c < 0x20) {
      quoted = "'\\x" + String.format(Locale.ROOT, "%02x", (int) c) + "'";
    } else {
      quoted = "'" + c + "'";
    }
    return new DecodeException("invalid character " + quoted + " " + context);
  }
}
