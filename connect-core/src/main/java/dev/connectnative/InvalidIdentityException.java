package dev.connectnative;

/**
 * A certificate, key or SPIFFE identity is malformed or not acceptable: a URI that is not a Consul
 * identity, a PEM block that does not parse, a key that does not match its certificate, a peer that
 * presented another identity than the one expected.
 */
public class InvalidIdentityException extends ConnectException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message saying what is wrong.
   *
   * @param message what is wrong, naming the offending value when it is not secret
   */
  public InvalidIdentityException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what is wrong
   * @param cause the underlying failure, may be {@code null}
   */
  public InvalidIdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
