package dev.connectnative.internal.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.Certificate;
import java.security.cert.PKIXBuilderParameters;
import java.util.List;

/**
 * Builds and validates a PKIX path: the expensive step (signature verification) that {@link
 * VerifiedChains} saves on repeated chains. A seam so tests can count how often it really runs.
 */
@FunctionalInterface
interface PathBuilder {

  /** The JDK's PKIX {@link CertPathBuilder}. */
  PathBuilder PKIX =
      params -> CertPathBuilder.getInstance("PKIX").build(params).getCertPath().getCertificates();

  /**
   * Builds a path to one of the parameters' trust anchors, validated at their date.
   *
   * @return the certificates of the path, target first, without the trust anchor
   * @throws java.security.cert.CertPathBuilderException if no valid path exists
   * @throws GeneralSecurityException if PKIX is unavailable or the parameters are unusable
   */
  List<? extends Certificate> build(PKIXBuilderParameters params) throws GeneralSecurityException;
}
