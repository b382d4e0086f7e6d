package dev.connectnative;

import dev.connectnative.internal.spiffe.Segments;
import java.net.URI;

/**
 * The identity of a mesh gateway: {@code spiffe://<td>[/ap/<partition>]/gateway/mesh/dc/<dc>}.
 *
 * @param trustDomain the trust domain, lower case
 * @param partition the admin partition, {@code default} when the URI names none
 * @param datacenter the datacenter
 */
public record MeshGatewayIdentity(String trustDomain, String partition, String datacenter)
    implements SpiffeId {

  /**
   * Validates and normalises the parts.
   *
   * @throws InvalidIdentityException if a part is missing, empty or malformed
   */
  public MeshGatewayIdentity {
    trustDomain = Segments.trustDomain(trustDomain);
    partition = Segments.segment("partition", partition);
    datacenter = Segments.segment("datacenter", datacenter);
  }

  /**
   * Returns this identity as a URI, omitting the default partition.
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
   * @return e.g. {@code spiffe://<td>/gateway/mesh/dc/dc1}
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("spiffe://").append(trustDomain);
    if (!DEFAULT_PARTITION.equals(partition)) {
      out.append("/ap/").append(Segments.encode(partition));
    }
    return out.append("/gateway/mesh/dc/").append(Segments.encode(datacenter)).toString();
  }
}
