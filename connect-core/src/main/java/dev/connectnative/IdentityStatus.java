package dev.connectnative;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link IdentitySource} has so far: roots, leaf, and the last error it met.
 *
 * @param hasRoots whether trust roots have arrived
 * @param hasLeaf whether this service's leaf certificate has arrived
 * @param lastError the last failure while fetching identity, empty if the last attempt succeeded
 */
public record IdentityStatus(
    boolean hasRoots, boolean hasLeaf, Optional<ConnectException> lastError) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if {@code lastError} is null
   */
  public IdentityStatus {
    requireNonNull(lastError, "lastError");
  }

  /**
   * Tells whether roots and leaf are both present, so that handshakes can proceed.
   *
   * @return {@code true} when ready
   */
  public boolean ready() {
    return hasRoots && hasLeaf;
  }

  /**
   * Names what is missing, for messages.
   *
   * @return {@code "trust roots"} and/or {@code "leaf certificate"}; empty when ready
   */
  public List<String> missing() {
    List<String> missing = new ArrayList<>(2);
    if (!hasRoots) {
      missing.add("trust roots");
    }
    if (!hasLeaf) {
      missing.add("leaf certificate");
    }
    return List.copyOf(missing);
  }
}
