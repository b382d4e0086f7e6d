package dev.connectnative;

import static java.util.Objects.requireNonNull;

/**
 * Everything a service needs for one TLS handshake: the trust bundle and its own leaf.
 *
 * <p>A snapshot is immutable. An {@link IdentitySource} publishes a new one, with a higher {@code
 * revision}, whenever roots or leaf change; a handshake reads exactly one snapshot so that chain,
 * key and trust always belong together.
 *
 * @param trust the roots to validate peers against
 * @param leaf this service's certificate and key
 * @param revision increases with every change published by the source, starting at 0 or more
 */
public record IdentitySnapshot(TrustBundle trust, LeafCertificate leaf, long revision) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if {@code trust} or {@code leaf} is null
   * @throws IllegalArgumentException if {@code revision} is negative
   */
  public IdentitySnapshot {
    requireNonNull(trust, "trust");
    requireNonNull(leaf, "leaf");
    if (revision < 0) {
      throw new IllegalArgumentException("revision must not be negative: " + revision);
    }
  }
}
