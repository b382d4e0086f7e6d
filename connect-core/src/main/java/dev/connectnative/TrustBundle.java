package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.spiffe.Segments;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The CA certificates a service trusts, as the Consul agent hands them out.
 *
 * <p>During a CA rotation Consul lists several roots (old and new) and, for the new root, a
 * certificate cross-signed by the old root ({@code IntermediateCerts}). Peers are validated against
 * every root, with the cross-signed certificates as extra path material, so that leaves of either
 * generation are accepted while the rotation completes.
 *
 * @param trustDomain this cluster's trust domain, lower case, e.g. {@code <cluster-uuid>.consul}
 * @param roots the trusted root certificates, at least one, all CA certificates
 * @param intermediates cross-signed certificates used as extra path material, possibly empty
 * @param activeRoot the root that currently signs new leaves; one of {@code roots}
 */
public record TrustBundle(
    String trustDomain,
    List<X509Certificate> roots,
    List<X509Certificate> intermediates,
    X509Certificate activeRoot) {

  /**
   * Validates and copies the parts.
   *
   * @throws InvalidIdentityException if there is no root, a root or intermediate is not a CA
   *     certificate, the active root is not among the roots, or the trust domain is malformed
   * @throws NullPointerException if a part is null
   */
  public TrustBundle {
    trustDomain = Segments.trustDomain(requireNonNull(trustDomain, "trustDomain"));
    roots = List.copyOf(requireNonNull(roots, "roots"));
    intermediates = List.copyOf(requireNonNull(intermediates, "intermediates"));
    requireNonNull(activeRoot, "activeRoot");
    if (roots.isEmpty()) {
      throw new InvalidIdentityException("trust bundle for " + trustDomain + " has no root");
    }
    for (X509Certificate cert : roots) {
      requireCa(cert, "root");
    }
    for (X509Certificate cert : intermediates) {
      requireCa(cert, "intermediate");
    }
    if (!roots.contains(activeRoot)) {
      throw new InvalidIdentityException(
          "active root " + Certificates.describe(activeRoot) + " is not among the roots");
    }
  }

  /**
   * Creates a bundle of roots without cross-signed certificates; the first root is the active one.
   *
   * @param trustDomain this cluster's trust domain
   * @param roots the trusted roots, at least one
   * @return the bundle
   * @throws InvalidIdentityException if the roots are not acceptable
   */
  public static TrustBundle of(String trustDomain, List<X509Certificate> roots) {
    requireNonNull(roots, "roots");
    if (roots.isEmpty()) {
      throw new InvalidIdentityException("trust bundle for " + trustDomain + " has no root");
    }
    return new TrustBundle(trustDomain, roots, List.of(), roots.get(0));
  }

  /**
   * Returns the trust domains named by the roots' {@code spiffe://<td>} URI SANs, in root order.
   * Roots without such a SAN (e.g. from an external CA) contribute nothing.
   *
   * @return the trust domains present in the roots, lower case; an unmodifiable set
   */
  public Set<String> trustDomains() {
    Set<String> domains = new LinkedHashSet<>();
    for (X509Certificate root : roots) {
      for (String uri : Certificates.uriSans(root)) {
        try {
          if (SpiffeId.parse(uri) instanceof TrustDomainIdentity id) {
            domains.add(id.trustDomain());
          }
        } catch (InvalidIdentityException e) {
          // A root may carry URIs of other schemes; those say nothing about trust domains.
        }
      }
    }
    return Collections.unmodifiableSet(domains);
  }

  private static void requireCa(X509Certificate cert, String role) {
    requireNonNull(cert, role);
    if (!Certificates.isCa(cert)) {
      throw new InvalidIdentityException(
          role + " " + Certificates.describe(cert) + " is not a CA certificate");
    }
  }
}
