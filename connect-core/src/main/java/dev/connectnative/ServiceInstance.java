package dev.connectnative;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One reachable instance of a Connect service, as a {@link Resolver} found it.
 *
 * <p>The service, namespace, partition and datacenter are those of the instance itself (for a
 * prepared query that failed over, the datacenter that answered), and together with the trust
 * domain they make the identity the server must present: {@code
 * spiffe://<td>[/ap/<partition>]/ns/<namespace>/dc/<datacenter>/svc/<service>}.
 *
 * @param id the instance ID, e.g. {@code echo-1}; may be empty for a static instance
 * @param service the service name
 * @param namespace the namespace, {@code default} in Consul OSS
 * @param partition the admin partition, {@code default} in Consul OSS
 * @param datacenter the instance's datacenter
 * @param host the address to connect to: the service address, else the node address; an IPv6
 *     literal without brackets
 * @param port the port to connect to
 * @param tags the instance tags
 * @param meta the instance metadata
 */
public record ServiceInstance(
    String id,
    String service,
    String namespace,
    String partition,
    String datacenter,
    String host,
    int port,
    List<String> tags,
    Map<String, String> meta) {

  /**
   * Validates and copies the parts; a bracketed IPv6 host loses its brackets.
   *
   * @param id the instance ID
   * @param service the service name
   * @param namespace the namespace
   * @param partition the admin partition
   * @param datacenter the datacenter
   * @param host the address to connect to
   * @param port the port to connect to
   * @param tags the instance tags
   * @param meta the instance metadata
   * @throws NullPointerException if a part is {@code null}
   * @throws IllegalArgumentException if a name or the host is empty, or the port is not in 1..65535
   */
  public ServiceInstance {
    requireNonNull(id, "id");
    nonEmpty(service, "service");
    nonEmpty(namespace, "namespace");
    nonEmpty(partition, "partition");
    nonEmpty(datacenter, "datacenter");
    nonEmpty(host, "host");
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port of " + service + " out of range: " + port);
    }
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
  }

  /**
   * Creates an instance in the default namespace and partition, with no ID, tags or metadata: for
   * static addresses and tests.
   *
   * @param service the service name
   * @param datacenter the datacenter
   * @param host the address
   * @param port the port
   * @return the instance
   */
  public static ServiceInstance of(String service, String datacenter, String host, int port) {
    return new ServiceInstance(
        "", service, "default", "default", datacenter, host, port, List.of(), Map.of());
  }

  /**
   * Returns the identity this instance must present.
   *
   * @param trustDomain the trust domain of the mesh, e.g. {@code <cluster-uuid>.consul}
   * @return the expected identity
   * @throws InvalidIdentityException if a part cannot appear in an identity
   */
  public ServiceIdentity expectedIdentity(String trustDomain) {
    return new ServiceIdentity(trustDomain, partition, namespace, datacenter, service);
  }

  /**
   * Returns {@code host:port}, with an IPv6 host in brackets ({@code [::1]:8443}).
   *
   * @return the address text
   */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static void nonEmpty(String value, String name) {
    requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
