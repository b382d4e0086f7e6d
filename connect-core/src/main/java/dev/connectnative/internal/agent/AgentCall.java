package dev.connectnative.internal.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.connectnative.AgentException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One prepared agent request: run it synchronously with {@link #execute()} or asynchronously with
 * {@link #executeAsync()}, whose future cancels the HTTP call when cancelled.
 *
 * @param <T> the decoded answer type
 */
public final class AgentCall<T> {
  /** Slack on top of the longest legitimate hold time of a blocking query. */
  static final Duration READ_TIMEOUT_MARGIN = Duration.ofSeconds(5);

  private static final int MAX_ERROR_BODY = 512;

  /** Turns an answer body into a value. */
  @FunctionalInterface
  interface Decoder<T> {
    T decode(String body) throws MalformedAnswerException;
  }

  /** Turns a JSON tree into a value. */
  @FunctionalInterface
  interface JsonDecoder<T> {
    T decode(JsonNode json) throws MalformedAnswerException;
  }

  private final OkHttpClient http;
  private final Request request;
  private final String what;
  private final Decoder<T> decoder;
  private T absent;

  AgentCall(
      OkHttpClient http,
      Request request,
      String what,
      QueryOptions options,
      Duration readTimeoutMargin,
      Decoder<T> decoder) {
    Duration hold = options.maxHold();
    this.http =
        hold.isZero()
            ? http
            : http.newBuilder()
                .readTimeout(hold.plus(readTimeoutMargin).toMillis(), TimeUnit.MILLISECONDS)
                .build();
    this.request = request;
    this.what = what;
    this.decoder = decoder;
  }

  static <T> Decoder<T> json(ObjectMapper mapper, JsonDecoder<T> decoder) {
    return body -> {
      JsonNode tree;
      try {
        tree = mapper.readTree(body);
      } catch (JsonProcessingException e) {
        // Not Jackson's message: it quotes the offending token, which may be a private key.
        JsonLocation at = e.getLocation();
        throw new MalformedAnswerException(
            "the answer is not valid JSON"
                + (at == null
                    ? ""
                    : " (syntax error at line "
                        + at.getLineNr()
                        + ", column "
                        + at.getColumnNr()
                        + ")"));
      }
      if (tree == null || tree.isMissingNode()) {
        throw new MalformedAnswerException("the answer is empty");
      }
      return decoder.decode(tree);
    };
  }

  /**
   * Makes a 404 answer a regular result: {@code absent} with index 0.
   *
   * @param absent the value standing for "not there"
   * @return this call
   */
  AgentCall<T> absentOn404(T absent) {
    this.absent = absent;
    return this;
  }

  /**
   * The agent API path of this request, without query string.
   *
   * @return the path
   */
  public String path() {
    return request.url().encodedPath();
  }

  /**
   * The read timeout this call runs with.
   *
   * @return the read timeout
   */
  public Duration readTimeout() {
    return Duration.ofMillis(http.readTimeoutMillis());
  }

  /**
   * Runs the request on the calling thread.
   *
   * @return the decoded answer and its index
   * @throws AgentException if the agent cannot be reached, answers an error status, or answers
   *     something that cannot be decoded
   */
  public Indexed<T> execute() {
    Call call = http.newCall(request);
    try (Response response = call.execute()) {
      return decode(response);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /**
   * Runs the request on the HTTP client's dispatcher. Cancelling the returned future cancels the
   * HTTP call (its socket is closed at once).
   *
   * @return a future completed with the answer, or exceptionally with an {@link AgentException}
   */
  public CompletableFuture<Indexed<T>> executeAsync() {
    Call call = http.newCall(request);
    CompletableFuture<Indexed<T>> future =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            call.cancel();
            return cancelled;
          }
        };
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(unreachable(e));
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              future.complete(decode(response));
            } catch (AgentException e) {
              future.completeExceptionally(e);
            } catch (IOException e) {
              future.completeExceptionally(unreachable(e));
            } catch (RuntimeException e) {
              future.completeExceptionally(
                  new AgentException(
                      what + ": failed to read the agent's answer: " + e, 0, path(), e));
            }
          }
        });
    return future;
  }

  private Indexed<T> decode(Response response) throws IOException {
    ResponseBody body = response.body();
    String text = body == null ? "" : body.string();
    int status = response.code();
    if (status == 404 && absent != null) {
      return new Indexed<>(absent, 0, defaultAclPolicy(response));
    }
    if (status < 200 || status > 299) {
      String shown = text.strip();
      if (shown.length() > MAX_ERROR_BODY) {
        shown = shown.substring(0, MAX_ERROR_BODY) + "...";
      }
      if (shown.isEmpty()) {
        shown = response.message();
      }
      throw new AgentException(
          what + ": agent answered " + status + " " + shown, status, path(), null);
    }
    try {
      T value = decoder.decode(text);
      return new Indexed<>(value, index(response), defaultAclPolicy(response));
    } catch (MalformedAnswerException e) {
      throw new AgentException(
          what + ": malformed answer from agent for " + path() + ": " + e.getMessage(),
          status,
          path(),
          null);
    }
  }

  private long index(Response response) throws MalformedAnswerException {
    String header = response.header("X-Consul-Index");
    if (header == null || header.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(header.trim());
    } catch (NumberFormatException e) {
      throw new MalformedAnswerException("X-Consul-Index is not a number: \"" + header + "\"");
    }
  }

  private static Optional<String> defaultAclPolicy(Response response) {
    return Optional.ofNullable(response.header("X-Consul-Default-Acl-Policy"))
        .map(String::strip)
        .filter(policy -> !policy.isEmpty());
  }

  private AgentException unreachable(IOException e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int query = detail.indexOf('?');
    if (query >= 0) {
      detail = detail.substring(0, query);
    }
    if (e instanceof InterruptedIOException) {
      return new AgentException(
          what
              + ": agent did not answer in time ("
              + detail
              + "; read timeout "
              + http.readTimeoutMillis()
              + " ms)",
          0,
          path(),
          e);
    }
    return new AgentException(what + ": agent did not answer: " + detail, 0, path(), e);
  }
}
