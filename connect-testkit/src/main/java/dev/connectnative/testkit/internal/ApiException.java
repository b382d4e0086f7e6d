package dev.connectnative.testkit.internal;

/** An error answer raised inside an endpoint: becomes a plain-text reply with this status. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** Creates the error with the exact text Consul would answer. */
  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** A 400 {@code Bad request: ...}. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "Bad request: " + message);
  }

  /** A 403 with Consul's text. */
  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  /** Returns the answer for this error. */
  public Reply reply() {
    return Reply.error(status, getMessage());
  }
}
