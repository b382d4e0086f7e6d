package dev.connectnative;

import java.net.URI;

/**
 * A Consul Connect identity in SPIFFE form, as carried in the URI SAN of a Connect certificate.
 *
 * <p>Consul uses five shapes, each modelled by a record:
 *
 * <ul>
 *   <li>{@link ServiceIdentity}: {@code spiffe://<td>[/ap/<partition>]/ns/<ns>/dc/<dc>/svc/<name>}
 *   <li>{@link AgentIdentity}: {@code
 *       spiffe://<td>[/ap/<partition>]/agent/client/dc/<dc>/id/<node>}
 *   <li>{@link ServerIdentity}: {@code spiffe://<td>/agent/server/dc/<dc>}
 *   <li>{@link MeshGatewayIdentity}: {@code spiffe://<td>[/ap/<partition>]/gateway/mesh/dc/<dc>}
 *   <li>{@link TrustDomainIdentity}: the CA's bare {@code spiffe://<td>}
 * </ul>
 *
 * <p>The trust domain is always held in lower case. Path segments are held decoded; {@link
 * #toUri()} percent-encodes them again. The partition {@code default} is omitted from the URI, as
 * Consul does. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * SpiffeId id = SpiffeId.parse("spiffe://3779268c-d290-379c-fa43-991e61fd2ae8.consul/ns/default/dc/dc1/svc/web");
 * if (id instanceof ServiceIdentity service) {
 *   System.out.println(service.service()); // web
 * }
 * }</pre>
 */
public sealed interface SpiffeId
    permits ServiceIdentity,
        AgentIdentity,
        ServerIdentity,
        MeshGatewayIdentity,
        TrustDomainIdentity {

  /** The partition Consul uses when none is named; it never appears in a URI. */
  String DEFAULT_PARTITION = "default";

  /**
   * Parses a Consul SPIFFE URI strictly.
   *
   * <p>The scheme and trust domain are matched case-insensitively and normalised to lower case;
   * every other segment keeps its case. Percent-encoding is decoded per segment. Empty segments, a
   * query, a fragment, user information, a port and any shape Consul does not issue are rejected.
   *
   * @param uri the URI text, e.g. {@code spiffe://<td>/ns/default/dc/dc1/svc/web}
   * @return the identity, of the record type matching the URI's shape
   * @throws InvalidIdentityException if the text is not a Consul SPIFFE identity; the message says
   *     what is wrong
   * @throws NullPointerException if {@code uri} is null
   */
  static SpiffeId parse(String uri) {
    return dev.connectnative.internal.spiffe.SpiffeParser.parse(uri);
  }

  /**
   * Returns the trust domain, in lower case, e.g. {@code 3779268c-...-991e61fd2ae8.consul}.
   *
   * @return the trust domain
   */
  String trustDomain();

  /**
   * Returns this identity as a URI, with each path segment percent-encoded where needed.
   *
   * @return the URI; {@code SpiffeId.parse(id.toUri().toString())} equals {@code id}
   */
  URI toUri();
}
