package dev.connectnative;

import static java.util.Objects.requireNonNull;

/**
 * The answer to an {@link AuthorizationRequest}.
 *
 * @param allowed whether the connection may proceed
 * @param reason the reason given by the decider, e.g. Consul's {@code Matched L4 intention:
 *     default/web => default/echo (Precedence: 9, Action: ALLOW)}
 */
public record AuthorizationDecision(boolean allowed, String reason) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if {@code reason} is {@code null}
   */
  public AuthorizationDecision {
    requireNonNull(reason, "reason");
  }

  /**
   * Creates a decision that lets the connection proceed.
   *
   * @param reason why it is allowed
   * @return the decision
   */
  public static AuthorizationDecision allow(String reason) {
    return new AuthorizationDecision(true, reason);
  }

  /**
   * Creates a decision that refuses the connection.
   *
   * @param reason why it is refused
   * @return the decision
   */
  public static AuthorizationDecision deny(String reason) {
    return new AuthorizationDecision(false, reason);
  }
}
