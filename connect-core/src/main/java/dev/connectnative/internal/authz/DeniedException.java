package dev.connectnative.internal.authz;

/** A client was refused: denied by the intentions, or no decision could be made in time. */
public final class DeniedException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the client, the target and the reason
   * @param cause the underlying failure, or {@code null} for a plain denial
   */
  public DeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
