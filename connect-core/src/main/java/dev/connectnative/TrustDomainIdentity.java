package dev.connectnative;

import dev.connectnative.internal.spiffe.Segments;
import java.net.URI;

/**
 * The bare trust-domain identity {@code spiffe://<td>} that Consul puts into its CA certificates.
 *
 * @param trustDomain the trust domain, lower case
 */
public record TrustDomainIdentity(String trustDomain) implements SpiffeId {

  /**
   * Validates and normalises the trust domain.
   *
   * @throws InvalidIdentityException if it is missing, empty or malformed
   */
  public TrustDomainIdentity {
    trustDomain = Segments.trustDomain(trustDomain);
  }

  /**
   * Returns this identity as a URI.
   *
   * @return {@code spiffe://<td>}
   */
  @Override
  public URI toUri() {
    return URI.create(toString());
  }

  /**
   * Returns the URI text of this identity.
   *
   * @return {@code spiffe://<td>}
   */
  @Override
  public String toString() {
    return "spiffe://" + trustDomain;
  }
}
