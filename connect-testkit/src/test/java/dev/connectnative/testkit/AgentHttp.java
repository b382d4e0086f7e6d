package dev.connectnative.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A tiny HTTP client for tests against a {@link DevAgent}. */
final class AgentHttp {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DevAgent agent;

  AgentHttp(DevAgent agent) {
    this.agent = agent;
  }

  /** One answer. */
  record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long index() {
      return Long.parseLong(headers.firstValue("X-Consul-Index").orElseThrow());
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Answer get(String path, String... headers) {
    return send("GET", path, "", headers);
  }

  Answer put(String path, String body, String... headers) {
    return send("PUT", path, body, headers);
  }

  Answer post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  Answer delete(String path, String... headers) {
    return send("DELETE", path, "", headers);
  }

  Answer send(String method, String path, String body, String... headers) {
    return sendAsync(method, path, body, headers).join();
  }

  CompletableFuture<Answer> sendAsync(String method, String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(agent.url() + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.method(
        method,
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Answer(r.statusCode(), r.headers(), r.body()));
  }
}
