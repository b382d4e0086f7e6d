package dev.connectnative;

import dev.connectnative.internal.spiffe.Segments;
import java.net.URI;

/**
 * The identity of a Consul client agent: {@code
 * spiffe://<td>[/ap/<partition>]/agent/client/dc/<datacenter>/id/<node-id>}.
 *
 * @param trustDomain the trust domain, lower case
 * @param partition the admin partition, {@code default} when the URI names none
 * @param datacenter the datacenter
 * @param nodeId the agent's node id
 */
public record AgentIdentity(String trustDomain, String partition, String datacenter, String nodeId)
    implements SpiffeId {

  /**
   * Validates and normalises the parts.
   *
   * @throws InvalidIdentityException if a part is missing, empty or malformed
   */
  public AgentIdentity {
    trustDomain = Segments.trustDomain(trustDomain);
    partition = Segments.segment("partition", partition);
    datacenter = Segments.segment("datacenter", datacenter);
    nodeId = Segments.segment("node id", nodeId);
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
   * @return e.g. {@code spiffe://<td>/agent/client/dc/dc1/id/<node-id>}
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("spiffe://").append(trustDomain);
    if (!DEFAULT_PARTITION.equals(partition)) {
      out.append("/ap/").append(Segments.encode(partition));
    }
    return out.append("/agent/client/dc/")
        .append(Segments.encode(datacenter))
        .append("/id/")
        .append(Segments.encode(nodeId))
        .toString();
  }
}
