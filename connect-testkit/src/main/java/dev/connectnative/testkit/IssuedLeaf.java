package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key issued by a {@link TestCa}.
 *
 * <p>{@link #toString()} never shows the private key.
 *
 * @param certificate the issued certificate
 * @param privateKey the certificate's private key
 * @param certificatePem the certificate as PEM text
 * @param privateKeyPem the private key as PEM text, in the requested {@link KeyEncoding}
 * @param serialNumber the serial number in Consul's leaf form: lowercase colon hex ({@code "0c"})
 * @param uri the first URI SAN, or {@code ""} when the certificate has none
 */
public record IssuedLeaf(
    X509Certificate certificate,
    PrivateKey privateKey,
    String certificatePem,
    String privateKeyPem,
    String serialNumber,
    String uri) {

  /** Checks that every component is present. */
  public IssuedLeaf {
    requireNonNull(certificate, "certificate");
    requireNonNull(privateKey, "privateKey");
    requireNonNull(certificatePem, "certificatePem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    requireNonNull(serialNumber, "serialNumber");
    requireNonNull(uri, "uri");
  }

  /**
   * Describes the leaf without its private key.
   *
   * @return subject, serial number and URI
   */
  @Override
  public String toString() {
    return "IssuedLeaf[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", serialNumber="
        + serialNumber
        + ", uri="
        + uri
        + ", privateKey=<redacted>]";
  }
}
