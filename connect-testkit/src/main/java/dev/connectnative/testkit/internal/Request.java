package dev.connectnative.testkit.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed request: method, decoded path, query parameters, headers and body.
 *
 * @param method the HTTP method
 * @param path the path without the query
 * @param rawQuery the raw query string, or {@code ""}
 * @param query decoded query parameters; a flag like {@code ?passing} maps to {@code ""}
 * @param headers request headers by lowercase name
 * @param body the body bytes
 */
public record Request(
    String method,
    String path,
    String rawQuery,
    Map<String, String> query,
    Map<String, String> headers,
    byte[] body) {

  /** Copies the maps. */
  public Request {
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  /** Parses a raw query string the way Go's {@code url.ParseQuery} does (first value wins). */
  public static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.putIfAbsent(key, value);
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Returns a query parameter. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /** Tells whether a query flag or parameter is present. */
  public boolean has(String name) {
    return query.containsKey(name);
  }

  /** Returns a header by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  /**
   * Returns the ACL token the way Consul looks for it: {@code X-Consul-Token}, then {@code
   * Authorization: Bearer}, then {@code ?token=}.
   */
  public Optional<String> token() {
    Optional<String> header = header("X-Consul-Token").filter(t -> !t.isEmpty());
    if (header.isPresent()) {
      return header;
    }
    Optional<String> bearer =
        header("Authorization")
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).trim())
            .filter(t -> !t.isEmpty());
    if (bearer.isPresent()) {
      return bearer;
    }
    return param("token").filter(t -> !t.isEmpty());
  }

  /** Returns the path segments after {@code prefix}, or an empty list. */
  public List<String> rest(String prefix) {
    String tail = path.substring(prefix.length());
    return tail.isEmpty() ? List.of() : List.of(tail.split("/", -1));
  }
}
