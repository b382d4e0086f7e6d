package dev.connectnative;

/**
 * Told about what happens to a {@link ConnectService}: identity rotations and agent failures.
 *
 * <p>Every method has a no-op default, so implementations override what they need. Methods are
 * called on the service's scheduler thread (or the identity source's publishing thread for
 * rotations) and must return quickly; an exception thrown by a listener is logged and ignored.
 */
public interface ConnectListener {

  /**
   * Called after the service's identity changed: a renewed leaf, new roots, or both. Not called for
   * the first identity; {@link ConnectService#awaitReady(java.time.Duration)} covers that.
   *
   * @param previous the snapshot before the change
   * @param current the snapshot now used by new handshakes
   */
  default void onIdentityRotated(IdentitySnapshot previous, IdentitySnapshot current) {}

  /**
   * Called when fetching the identity fails with a new error (agent down, 403, malformed answer).
   * The service keeps serving the last good identity and retries with backoff.
   *
   * @param error the failure, an {@link AgentException} when the agent answered badly or not at
   *     all, an {@link InvalidIdentityException} when its answer could not be used
   */
  default void onAgentError(ConnectException error) {}
}
