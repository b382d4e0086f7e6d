package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

/**
 * One request the {@link DevAgent} received, for tests that count or inspect calls. Tokens are
 * never recorded: the query is stored with any {@code token} parameter value redacted.
 *
 * @param method the HTTP method
 * @param path the path, without the query
 * @param query the raw query string, {@code ""} when there is none
 */
public record RecordedRequest(String method, String path, String query) {
  /** Checks that every component is present. */
  public RecordedRequest {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(query, "query");
  }
}
