package dev.connectnative;

import dev.connectnative.internal.spiffe.Segments;
import java.net.URI;

/**
 * The identity of a Connect service instance: {@code
 * spiffe://<td>[/ap/<partition>]/ns/<namespace>/dc/<datacenter>/svc/<service>}.
 *
 * <p>The trust domain is normalised to lower case; the other parts keep their case, as Consul
 * writes them into certificates (e.g. {@code svc/Web_Svc.v2}). Equality is exact; {@link
 * #sameServiceAs(ServiceIdentity)} compares the way Consul's own clients compare a server's
 * identity with the expected one.
 *
 * @param trustDomain the trust domain, e.g. {@code 3779268c-d290-379c-fa43-991e61fd2ae8.consul}
 * @param partition the admin partition, {@code default} when the URI names none
 * @param namespace the namespace, {@code default} in Consul OSS
 * @param datacenter the datacenter, e.g. {@code dc1}
 * @param service the service name, case preserved
 */
public record ServiceIdentity(
    String trustDomain, String partition, String namespace, String datacenter, String service)
    implements SpiffeId {

  /**
   * Validates and normalises the parts.
   *
   * @throws InvalidIdentityException if a part is missing, empty, or holds '/' or a control
   *     character, or the trust domain holds a character a trust domain cannot hold
   */
  public ServiceIdentity {
    trustDomain = Segments.trustDomain(trustDomain);
    partition = Segments.segment("partition", partition);
    namespace = Segments.segment("namespace", namespace);
    datacenter = Segments.segment("datacenter", datacenter);
    service = Segments.segment("service name", service);
  }

  /**
   * Creates the identity of a service in the default partition and namespace.
   *
   * @param trustDomain the trust domain
   * @param datacenter the datacenter
   * @param service the service name
   * @return the identity
   * @throws InvalidIdentityException if a part is not acceptable
   */
  public static ServiceIdentity of(String trustDomain, String datacenter, String service) {
    return new ServiceIdentity(trustDomain, DEFAULT_PARTITION, "default", datacenter, service);
  }

  /**
   * Tells whether {@code other} names the same service as this one, ignoring the trust domain.
   *
   * <p>This is the comparison Consul's Go {@code connect} package applies to a server's
   * certificate: the trust domain is left to the chain validation and the trust-domain policy (so
   * that trust-domain migrations work), and the remaining parts are compared case-insensitively.
   *
   * @param other the identity to compare with
   * @return {@code true} if partition, namespace, datacenter and service match ignoring case
   */
  public boolean sameServiceAs(ServiceIdentity other) {
    return partition.equalsIgnoreCase(other.partition)
        && namespace.equalsIgnoreCase(other.namespace)
        && datacenter.equalsIgnoreCase(other.datacenter)
        && service.equalsIgnoreCase(other.service);
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
   * @return e.g. {@code spiffe://<td>/ns/default/dc/dc1/svc/web}
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("spiffe://").append(trustDomain);
    if (!DEFAULT_PARTITION.equals(partition)) {
      out.append("/ap/").append(Segments.encode(partition));
    }
    return out.append("/ns/")
        .append(Segments.encode(namespace))
        .append("/dc/")
        .append(Segments.encode(datacenter))
        .append("/svc/")
        .append(Segments.encode(service))
        .toString();
  }
}
