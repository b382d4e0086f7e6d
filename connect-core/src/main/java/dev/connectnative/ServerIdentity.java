package dev.connectnative;

import dev.connectnative.internal.spiffe.Segments;
import java.net.URI;

/**
 * The identity of a Consul server: {@code spiffe://<td>/agent/server/dc/<datacenter>}.
 *
 * @param trustDomain the trust domain, lower case
 * @param datacenter the datacenter
 */
public record ServerIdentity(String trustDomain, String datacenter) implements SpiffeId {

  /**
   * Validates and normalises the parts.
   *
   * @throws InvalidIdentityException if a part is missing, empty or malformed
   */
  public ServerIdentity {
    trustDomain = Segments.trustDomain(trustDomain);
    datacenter = Segments.segment("datacenter", datacenter);
  }

  /**
   * Returns this identity as a URI.
   *
   * @return the URI
   */
  @Override
  public URI toUri() {
    return URI.create(toString());
  }

  /**
   * Returns the URI text of this identity.
   *
   * @return e.g. {@code spiffe://<td>/agent/server/dc/dc1}
   */
  @Override
  public String toString() {
    return "spiffe://" + trustDomain + "/agent/server/dc/" + Segments.encode(datacenter);
  }
}
