package dev.connectnative.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares two JSON documents by structure: same key order, same value types, equal values once
 * naturally varying parts (uuids, PEM, hex ids, timestamps, indexes) are normalised.
 */
final class JsonShape {
  private static final Set<String> VARYING_NUMBERS =
      Set.of("CreateIndex", "ModifyIndex", "SerialNumber");
  private static final Pattern PEM =
      Pattern.compile("(-----BEGIN [A-Z ]+-----\\n[A-Za-z0-9+/=\\n]+-----END [A-Z ]+-----\\n?)+");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern COLON_HEX = Pattern.compile("^[0-9a-f]{2}(:[0-9a-f]{2})*$");
  private static final Pattern TIME =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
  private static final Pattern HASH = Pattern.compile("^[A-Za-z0-9+/]{43}=$");

  private JsonShape() {}

  /** Normalises one string value. */
  static String normalise(String value) {
    String s = PEM.matcher(value).replaceAll("<pem>");
    s = UUID.matcher(s).replaceAll("<uuid>");
    s = TIME.matcher(s).replaceAll("<time>");
    if (COLON_HEX.matcher(s).matches()) {
      return "<hex>";
    }
    if (HASH.matcher(s).matches()) {
      return "<hash>";
    }
    return s;
  }

  /** Returns the differences, empty when the shapes agree. */
  static List<String> diff(JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    diff("$", "", expected, actual, out);
    return out;
  }

  private static void diff(String path, String key, JsonNode e, JsonNode a, List<String> out) {
    if (e.getNodeType() != a.getNodeType()) {
      out.add(path + ": type " + e.getNodeType() + " expected, got " + a.getNodeType() + " " + a);
      return;
    }
    if (e.isObject()) {
      List<String> ek = names(e);
      List<String> ak = names(a);
      if (!ek.equals(ak)) {
        out.add(path + ": keys " + ek + " expected, got " + ak);
      }
      for (String k : ek) {
        if (a.has(k)) {
          diff(path + "." + k, k, e.get(k), a.get(k), out);
        }
      }
    } else if (e.isArray()) {
      if (e.size() != a.size()) {
        out.add(path + ": " + e.size() + " elements expected, got " + a.size());
      }
      for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
        diff(path + "[" + i + "]", key, e.get(i), a.get(i), out);
      }
    } else if (e.isTextual()) {
      String en = normalise(e.asText());
      String an = normalise(a.asText());
      if (!en.equals(an)) {
        out.add(path + ": \"" + en + "\" expected, got \"" + an + "\"");
      }
    } else if (e.isNumber()) {
      if (!VARYING_NUMBERS.contains(key) && !e.equals(a)) {
        out.add(path + ": " + e + " expected, got " + a);
      }
    } else if (!e.equals(a)) {
      out.add(path + ": " + e + " expected, got " + a);
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }
}
