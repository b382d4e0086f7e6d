package dev.connectnative;

/**
 * A service was used before it had what it needs: trust roots, its leaf certificate, or a first
 * answer from the agent. The message names what is missing and the last agent error, if any.
 */
public class NotReadyException extends ConnectException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming what is missing.
   *
   * @param message what is missing, e.g. {@code service "web" not ready: no leaf certificate yet}
   * @param cause the last agent failure, may be {@code null}
   */
  public NotReadyException(String message, Throwable cause) {
    super(message, cause);
  }
}
