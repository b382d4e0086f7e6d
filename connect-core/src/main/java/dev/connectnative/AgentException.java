package dev.connectnative;

/**
 * The Consul agent answered with an error status, answered something unreadable, or could not be
 * reached.
 *
 * <p>{@link #status()} is the HTTP status code, or {@code 0} when no HTTP answer arrived
 * (connection refused, timeout, reset). {@link #path()} is the agent API path without its query
 * string, so that a token passed as a query parameter can never leak into a message.
 */
public class AgentException extends ConnectException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String path;

  /**
   * Creates an exception for a failed agent call.
   *
   * @param message what failed, e.g. {@code agent answered 403 Permission denied}
   * @param status the HTTP status, or {@code 0} when the agent gave no HTTP answer
   * @param path the API path called, without query string
   * @param cause the underlying failure, may be {@code null}
   */
  public AgentException(String message, int status, String path, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.path = path;
  }

  /**
   * Returns the HTTP status code the agent answered with.
   *
   * @return the status, or {@code 0} when no HTTP answer arrived
   */
  public int status() {
    return status;
  }

  /**
   * Returns the agent API path that was called.
   *
   * @return the path without its query string, e.g. {@code /v1/agent/connect/ca/roots}
   */
  public String path() {
    return path;
  }

  /**
   * Tells whether the agent refused the call for lack of permission (HTTP 403): a missing, unknown
   * or insufficient ACL token. Retrying does not help until the token changes.
   *
   * @return {@code true} for a 403 answer
   */
  public boolean isPermissionDenied() {
    return status == 403;
  }
}
