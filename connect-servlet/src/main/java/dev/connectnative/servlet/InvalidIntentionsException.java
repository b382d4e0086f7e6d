package dev.connectnative.servlet;

import dev.connectnative.ConnectException;

/**
 * A {@code service-intentions} config entry that cannot be read or enforced: malformed JSON, a
 * field Consul itself would reject, or a feature this library does not enforce (JWT requirements).
 * Whoever meets it fails closed: requests governed by the entry are refused.
 */
public class InvalidIntentionsException extends ConnectException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the offending field.
   *
   * @param message what is wrong, e.g. {@code Sources[0].Permissions[1].HTTP is required}
   */
  public InvalidIntentionsException(String message) {
    super(message);
  }

  /**
   * Creates an exception naming the offending field, with the underlying cause.
   *
   * @param message what is wrong
   * @param cause the underlying failure
   */
  public InvalidIntentionsException(String message, Throwable cause) {
    super(message, cause);
  }
}
