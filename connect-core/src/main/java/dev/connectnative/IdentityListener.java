package dev.connectnative;

import java.util.Optional;

/**
 * Told when an {@link IdentitySource} publishes a new snapshot (new leaf, new roots or both), and
 * when fetching the identity starts failing, fails differently, or recovers.
 *
 * <p>Called after the new snapshot is visible through {@link IdentitySource#current()}, on the
 * thread that published it (the source's watch thread, or the caller of {@link
 * StaticIdentitySource#update(IdentitySnapshot)}), one change at a time and in publication order.
 * Implementations must be quick and must not block; an exception they throw is logged and does not
 * stop other listeners.
 */
@FunctionalInterface
public interface IdentityListener {

  /**
   * Called after each change.
   *
   * @param previous the snapshot before the change, empty for the first one
   * @param current the snapshot now in effect
   */
  void onIdentityChanged(Optional<IdentitySnapshot> previous, IdentitySnapshot current);

  /**
   * Called when fetching the identity fails: on the first failure, and again only when a failure of
   * another kind follows (another status, path or message), not on each retry of the same one. The
   * source keeps serving its last snapshot and retries with backoff. A listener added while the
   * source is failing is called at once with the failure in effect. Does nothing by default.
   *
   * @param error the failure, an {@link AgentException} when the agent answered badly or not at
   *     all, an {@link InvalidIdentityException} when its answer could not be used
   */
  default void onError(ConnectException error) {}

  /**
   * Called when the source, after {@link #onError(ConnectException)}, fetches its identity
   * successfully again; the next failure is reported as a first one. Does nothing by default.
   */
  default void onRecovered() {}
}
