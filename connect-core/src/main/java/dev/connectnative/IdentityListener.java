package dev.connectnative;

import java.util.Optional;

/**
 * Told when an {@link IdentitySource} publishes a new snapshot (new leaf, new roots or both).
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
}
