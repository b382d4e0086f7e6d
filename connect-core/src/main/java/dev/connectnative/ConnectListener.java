package dev.connectnative;

/**
 * Told about what happens to a {@link ConnectService}: identity rotations, agent failures, accepted
 * and refused connections, authorization cache use and dial failures. Bridge it to your metrics.
 *
 * <p>Every method has a no-op default, so implementations override what they need. Methods are
 * called on the service's scheduler thread (or the identity source's publishing thread for
 * rotations and agent errors) and must return quickly; an exception thrown by a listener is logged
 * and ignored.
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
   * Called when fetching the identity fails (agent down, 403, malformed answer): on the first
   * failure and again only when a failure of another kind follows, not on each retry. Pushed by the
   * identity source on its watch thread ({@link IdentityListener#onError(ConnectException)}), so it
   * arrives as soon as the failing call returns. The service keeps serving the last good identity
   * and retries with backoff.
   *
   * @param error the failure, an {@link AgentException} when the agent answered badly or not at
   *     all, an {@link InvalidIdentityException} when its answer could not be used
   */
  default void onAgentError(ConnectException error) {}

  /**
   * Called when fetching the identity succeeds again after {@link #onAgentError(ConnectException)}.
   */
  default void onAgentRecovered() {}

  /**
   * Called when an accepted connection completed its handshake and its client was authorized.
   *
   * @param client the client's verified identity
   */
  default void onConnectionAccepted(ServiceIdentity client) {}

  /**
   * Called when an accepted connection was refused: the client was denied by the intentions, no
   * authorization decision could be made (fail closed), its certificate was not acceptable, or it
   * did not finish its handshake in time.
   *
   * @param client the client's identity, or {@code null} when it was never established
   * @param reason why, e.g. {@code client spiffe://…/svc/db is not allowed to connect to echo:
   *     Matched L4 intention: default/db => default/echo (Precedence: 9, Action: DENY)}
   */
  default void onConnectionRefused(ServiceIdentity client, String reason) {}

  /**
   * Called when a live accepted connection was closed because, after an intention change, its
   * client is no longer allowed.
   *
   * @param client the client's identity
   * @param reason why
   */
  default void onConnectionRevoked(ServiceIdentity client, String reason) {}

  /**
   * Called when an authorization decision was served from the cache.
   *
   * @param request the question answered
   */
  default void onAuthorizationCacheHit(AuthorizationRequest request) {}

  /**
   * Called when an authorization decision had to be asked for.
   *
   * @param request the question asked
   */
  default void onAuthorizationCacheMiss(AuthorizationRequest request) {}

  /**
   * Called when no authorization decision could be made (agent down or erroring); the connection
   * was refused.
   *
   * @param request the question that went unanswered
   * @param error what failed
   */
  default void onAuthorizationFailed(AuthorizationRequest request, Throwable error) {}

  /**
   * Called when a dial reached a server presenting the expected identity.
   *
   * @param target the name dialed
   * @param server the server's verified identity
   */
  default void onDialSucceeded(String target, ServiceIdentity server) {}

  /**
   * Called when a dial attempt failed: no instance, discovery error, or one instance that could not
   * be reached or presented the wrong identity (the dial may go on with another instance).
   *
   * @param target the name dialed
   * @param address the {@code host:port} tried, or {@code null} when no instance was tried
   * @param error what failed
   */
  default void onDialFailed(String target, String address, Throwable error) {}
}
