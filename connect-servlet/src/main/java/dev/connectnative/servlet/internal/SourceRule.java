package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.SpiffeId;
import java.util.List;

/**
 * One entry of a config entry's {@code Sources}, normalised as Consul normalises it: namespace and
 * partition default to the destination's, and the precedence is recomputed from the number of exact
 * (non-wildcard) values, not taken from the JSON.
 *
 * @param partition the source partition (never a wildcard)
 * @param namespace the source namespace, or {@code *}
 * @param name the source service name, or {@code *}
 * @param peer the cluster peer or sameness group the source belongs to, empty for local sources
 * @param precedence Consul's precedence, 1 to 9; higher wins
 * @param allow for an L4 source, whether it allows; ignored when {@code permissions} is not empty
 * @param permissions the L7 permissions, empty for an L4 source
 */
public record SourceRule(
    String partition,
    String namespace,
    String name,
    String peer,
    int precedence,
    boolean allow,
    List<PermissionRule> permissions) {

  /** Consul's wildcard specifier. */
  public static final String WILDCARD = "*";

  public SourceRule {
    requireNonNull(partition, "partition");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(peer, "peer");
    permissions = List.copyOf(requireNonNull(permissions, "permissions"));
  }

  /** Whether this is an L7 source (it has permissions). */
  public boolean layer7() {
    return !permissions.isEmpty();
  }

  /**
   * Tells whether a caller belongs to this source. Like the SPIFFE patterns Consul gives Envoy,
   * partition, namespace and name are compared case-sensitively, {@code *} matches any namespace or
   * name, and the datacenter and trust domain are not looked at. Sources from a cluster peer or
   * sameness group never match a local caller.
   */
  public boolean matches(ServiceIdentity caller) {
    return peer.isEmpty()
        && partition.equals(caller.partition())
        && (namespace.equals(WILDCARD) || namespace.equals(caller.namespace()))
        && (name.equals(WILDCARD) || name.equals(caller.service()));
  }

  /** Names the source as Consul's reasons do, e.g. {@code default/web}. */
  public String label() {
    String base = namespace + "/" + name;
    if (!peer.isEmpty()) {
      return "peer:" + peer + "/" + base;
    }
    return SpiffeId.DEFAULT_PARTITION.equals(partition) ? base : partition + "/" + base;
  }
}
