package dev.connectnative.testkit;

import java.time.Duration;

/**
 * Faults the {@link DevAgent} injects on demand, per path prefix (for example {@code
 * "/v1/agent/connect/ca/leaf/"}). The first matching rule, in the order they were added, applies to
 * each request; requests are still recorded by {@link DevAgent#requests()}.
 *
 * <p>All methods are thread-safe and return this object for chaining.
 */
public interface Faults {
  /**
   * Answers every matching request with {@code status} and a plain-text {@code body}.
   *
   * @param pathPrefix the path prefix to match
   * @param status the HTTP status
   * @param body the body text
   * @return this
   */
  Faults failWith(String pathPrefix, int status, String body);

  /**
   * Holds every matching request until {@link #release(String)}, {@link #clear()} or the agent
   * stops; then it is answered normally.
   *
   * @param pathPrefix the path prefix to match
   * @return this
   */
  Faults stall(String pathPrefix);

  /**
   * Holds every matching request for {@code delay}, then answers it normally.
   *
   * @param pathPrefix the path prefix to match
   * @param delay how long to hold each request
   * @return this
   */
  Faults stall(String pathPrefix, Duration delay);

  /**
   * Releases the requests held by {@link #stall(String)} for this prefix and removes the stall.
   *
   * @param pathPrefix the prefix given to {@code stall}
   * @return this
   */
  Faults release(String pathPrefix);

  /**
   * Answers every matching request with status 200, {@code Content-Type: application/json} and a
   * body that is not JSON.
   *
   * @param pathPrefix the path prefix to match
   * @return this
   */
  Faults garbage(String pathPrefix);

  /**
   * Announces the full response length with {@code Content-Length}, sends half of the body and
   * resets the connection: a TCP RST ({@code SO_LINGER} 0), so the client sees "connection reset"
   * rather than an orderly end of stream.
   *
   * @param pathPrefix the path prefix to match
   * @return this
   */
  Faults resetMidBody(String pathPrefix);

  /**
   * Removes every fault and releases every held request.
   *
   * @return this
   */
  Faults clear();
}
