package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

/**
 * What the {@code service-intentions} config entry of a service says about one request.
 *
 * @param outcome the verdict, see {@link Outcome}
 * @param reason a human-readable explanation naming the intention and, for L7 intentions, the
 *     permission that decided, e.g. {@code Matched L7 intention: default/web => default/api
 *     (Precedence: 9), Permissions[0] (Action: ALLOW)}
 */
public record IntentionDecision(Outcome outcome, String reason) {

  /** The verdict of an intention evaluation. */
  public enum Outcome {
    /** An intention (or one of its permissions) allows the request. */
    ALLOW,
    /** An intention (or one of its permissions) denies the request. */
    DENY,
    /**
     * The highest-precedence intention matching the caller is an L7 intention, but none of its
     * permissions matches the request: Consul applies the default intention behaviour.
     */
    NO_MATCHING_PERMISSION,
    /**
     * No intention in this service's config entry names the caller: the decision belongs to
     * lower-precedence wildcard-destination intentions or the default, which the agent's authorize
     * endpoint evaluates.
     */
    NO_MATCHING_SOURCE
  }

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public IntentionDecision {
    requireNonNull(outcome, "outcome");
    requireNonNull(reason, "reason");
  }
}
