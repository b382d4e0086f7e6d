package dev.connectnative;

import static java.util.Objects.requireNonNull;

/**
 * Which trust domains a peer's identity may come from, once its certificate chain has validated
 * against our roots.
 *
 * <p>Consul's own Go clients ignore the trust domain of a peer's URI and rely on the roots alone.
 * This library is stricter by default: {@link #OWN_TRUST_DOMAIN} accepts only the trust domain of
 * our own cluster. {@link #ANY_TRUST_DOMAIN_IN_ROOTS} is for CA migrations between clusters, when
 * the agent lists roots of more than one trust domain.
 */
public enum TrustDomainPolicy {
  /** Accept only our cluster's trust domain ({@link TrustBundle#trustDomain()}). The default. */
  OWN_TRUST_DOMAIN,

  /**
   * Accept our trust domain and any trust domain named by one of our roots' {@code spiffe://<td>}
   * URI SANs ({@link TrustBundle#trustDomains()}).
   */
  ANY_TRUST_DOMAIN_IN_ROOTS;

  /**
   * Tells whether a peer from {@code trustDomain} is acceptable under this policy.
   *
   * @param trustDomain the peer's trust domain, as in its URI SAN
   * @param trust our trust bundle
   * @return {@code true} if acceptable
   * @throws NullPointerException if an argument is null
   */
  public boolean accepts(String trustDomain, TrustBundle trust) {
    requireNonNull(trustDomain, "trustDomain");
    requireNonNull(trust, "trust");
    if (trust.trustDomain().equalsIgnoreCase(trustDomain)) {
      return true;
    }
    return this == ANY_TRUST_DOMAIN_IN_ROOTS
        && trust.trustDomains().stream().anyMatch(trustDomain::equalsIgnoreCase);
  }
}
