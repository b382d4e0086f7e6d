package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer of the dev agent.
 *
 * @param status the status code
 * @param headers extra headers, in order
 * @param body the body bytes (empty for none)
 */
public record Reply(int status, Map<String, String> headers, byte[] body) {
  /** Copies the headers, keeping their order. */
  public Reply {
    headers = new LinkedHashMap<>(headers);
  }

  /** A 200 with a pretty-printed JSON body. */
  public static Reply json(JsonNode node) {
    return json(200, node);
  }

  /** A JSON body with the given status. */
  public static Reply json(int status, JsonNode node) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    return new Reply(status, headers, Json.pretty(node));
  }

  /** A 200 with an empty body, as Consul answers writes. */
  public static Reply empty() {
    return new Reply(200, Map.of(), new byte[0]);
  }

  /**
   * A plain-text error without trailing newline, as Consul writes them: no {@code Content-Type} of
   * its own, so the writer adds the sniffed {@code text/plain; charset=utf-8} after {@code
   * Content-Length}, where Go puts it.
   */
  public static Reply error(int status, String message) {
    return new Reply(status, Map.of(), message.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns a copy with one more header. */
  public Reply with(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Reply(status, copy, body);
  }

  /** Returns a copy with an {@code X-Consul-Index} header. */
  public Reply withIndex(long index) {
    return with("X-Consul-Index", Long.toString(index));
  }

  /** Adds the headers Consul sets on answers from its catalog (health, catalog, intentions). */
  public Reply withQueryMeta(long index) {
    return withIndex(index)
        .with("X-Consul-Knownleader", "true")
        .with("X-Consul-Lastcontact", "0")
        .with("X-Consul-Query-Backend", "blocking-query");
  }
}
