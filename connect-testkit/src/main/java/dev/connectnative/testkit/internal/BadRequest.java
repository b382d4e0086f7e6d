package dev.connectnative.testkit.internal;

/**
 * A request the server cannot parse; answered with {@link #status()} and Go's plain-text error
 * line, then the connection is closed.
 */
public final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** Creates the refusal; {@code text} is the body, e.g. {@code 400 Bad Request}. */
  public BadRequest(int status, String text) {
    super(text);
    this.status = status;
  }

  /** A 400 with Go's text, optionally followed by {@code ": " + reason}. */
  public static BadRequest of(String reason) {
    return new BadRequest(400, reason.isEmpty() ? "400 Bad Request" : "400 Bad Request: " + reason);
  }

  /** Returns the status to answer with. */
  public int status() {
    return status;
  }
}
