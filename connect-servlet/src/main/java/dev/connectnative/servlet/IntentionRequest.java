package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an HTTP request that Consul's L7 intentions look at.
 *
 * <p>Header names are matched case-insensitively, so they are held in lower case. Besides real
 * headers, the map may hold the HTTP/2 pseudo-headers {@code :method}, {@code :path}, {@code
 * :authority} and {@code :scheme}, which an intention's {@code Header} rules may name just as they
 * can in Envoy. {@link ConnectFilter} fills all of them from the servlet request.
 *
 * @param method the request method, e.g. {@code GET}; compared case-sensitively, as HTTP does
 * @param path the URL path without the query string, as sent (percent-encoding kept) but with dot
 *     segments removed, e.g. {@code /public/a%20b}
 * @param headers header values by lower-case name, in the order received; unmodifiable
 */
public record IntentionRequest(String method, String path, Map<String, List<String>> headers) {

  /**
   * Validates and copies the parts.
   *
   * @throws NullPointerException if a part, a header name or a header value is null
   * @throws IllegalArgumentException if {@code method} is empty or {@code path} does not start with
   *     {@code /}
   */
  public IntentionRequest {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(headers, "headers");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("HTTP method is empty");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("request path does not start with '/': \"" + path + "\"");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, values) ->
            copy.merge(
                requireNonNull(name, "header name").toLowerCase(Locale.ROOT),
                List.copyOf(values),
                IntentionRequest::concat));
    headers = Map.copyOf(copy);
  }

  /**
   * Returns every value of a header, in the order received.
   *
   * @param name the header name, any case
   * @return the values, empty when the request has no such header
   */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(requireNonNull(name, "name").toLowerCase(Locale.ROOT), List.of());
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
