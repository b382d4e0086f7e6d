package dev.connectnative;

/**
 * Root of every unchecked exception thrown by connectnative.
 *
 * <p>Specific failures have their own subclasses: {@link AgentException} when the Consul agent
 * answered with an error or could not be reached, {@link InvalidIdentityException} when a
 * certificate or SPIFFE identity is not acceptable, and {@link NotReadyException} when a service
 * has no identity yet. Socket-level entry points wrap these in {@link java.io.IOException} the way
 * {@link java.net.Socket} does.
 */
public class ConnectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names the thing that failed.
   *
   * @param message what failed and why
   */
  public ConnectException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed and why
   * @param cause the underlying failure, may be {@code null}
   */
  public ConnectException(String message, Throwable cause) {
    super(message, cause);
  }
}
