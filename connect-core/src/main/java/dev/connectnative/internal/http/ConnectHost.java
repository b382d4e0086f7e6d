package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A host name that names a Connect target, in the scheme of Consul's DNS interface and its Go SDK:
 * {@code <service>.service[.<dc>].<domain>} or {@code <query>.query[.<dc>].<domain>}, where the
 * domain is {@code consul} or one the caller configured. Parts are compared without case, as DNS
 * does; the name keeps the case it was written with only when the URL kept it (OkHttp lowers it).
 *
 * @param name the service name, or the prepared query's name or ID
 * @param query whether {@code name} is a prepared query
 * @param datacenter the datacenter named in the host, or {@code null} for the default one
 */
record ConnectHost(String name, boolean query, String datacenter) {
  /** Consul's default DNS domain. */
  static final String DEFAULT_DOMAIN = "consul";

  ConnectHost {
    requireNonNull(name, "name");
  }

  /**
   * Reads a host name.
   *
   * @param host the URL host, possibly with one trailing dot
   * @param domains the DNS domains that mean "this Consul cluster", lower case, without dots at
   *     either end
   * @return the target, or empty if {@code host} is not under one of {@code domains}
   * @throws IllegalArgumentException if {@code host} is under a Consul domain but not in a form
   *     that names a Connect target
   */
  static Optional<ConnectHost> parse(String host, List<String> domains) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String lower = h.toLowerCase(Locale.ROOT);
    for (String domain : domains) {
      if (lower.endsWith("." + domain)) {
        return Optional.of(
            parseLabels(h, h.substring(0, h.length() - domain.length() - 1), domain));
      }
    }
    return Optional.empty();
  }

  private static ConnectHost parseLabels(String host, String prefix, String domain) {
    String[] labels = prefix.split("\\.", -1);
    if ((labels.length == 2 || labels.length == 3)
        && !labels[0].isEmpty()
        && (labels.length == 2 || !labels[2].isEmpty())) {
      String kind = labels[1].toLowerCase(Locale.ROOT);
      String dc = labels.length == 3 ? labels[2] : null;
      if (kind.equals("service")) {
        return new ConnectHost(labels[0], false, dc);
      }
      if (kind.equals("query")) {
        return new ConnectHost(labels[0], true, dc);
      }
    }
    throw new IllegalArgumentException(
        "host \""
            + host
            + "\" is under the Consul domain \""
            + domain
            + "\" but names no Connect target: use <service>.service[.<datacenter>]."
            + domain
            + " or <query>.query[.<datacenter>]."
            + domain
            + " (tags and other DNS forms are not supported)");
  }

  /** Describes the target for messages, e.g. {@code "echo" in dc2} or {@code query "geo"}. */
  String describe(String defaultDatacenter) {
    return (query ? "query \"" : "\"")
        + name
        + "\" in "
        + (datacenter != null ? datacenter : defaultDatacenter);
  }
}
