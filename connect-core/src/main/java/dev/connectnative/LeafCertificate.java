package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.pem.Pem;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * This service's leaf certificate, its chain and its private key.
 *
 * <p>The compact constructor checks that the parts belong together: the first certificate of the
 * chain is not a CA, carries exactly one URI SAN that is a service identity equal to {@code id},
 * has the given serial and expiry, and its public key matches {@code privateKey}. Most callers use
 * {@link #of(List, PrivateKey)} or {@link #fromPem(String, String)}, which derive the rest. {@link
 * #toString()} never shows the key.
 *
 * @param chain the leaf first, then any intermediates; at least one certificate
 * @param privateKey the leaf's private key (EC or RSA)
 * @param id the service identity in the leaf's URI SAN
 * @param serialNumber the leaf's serial as Consul writes it: lowercase colon hex, e.g. {@code 0c}
 * @param notAfter the end of the leaf's validity
 */
public record LeafCertificate(
    List<X509Certificate> chain,
    PrivateKey privateKey,
    ServiceIdentity id,
    String serialNumber,
    Instant notAfter) {

  /**
   * Validates that the parts belong together.
   *
   * @throws InvalidIdentityException if the chain is empty, the leaf is a CA, its URI SANs are not
   *     exactly one service identity equal to {@code id}, the serial or expiry differ from the
   *     certificate, or the key does not match the certificate
   * @throws NullPointerException if a part is null
   */
  public LeafCertificate {
    chain = List.copyOf(requireNonNull(chain, "chain"));
    requireNonNull(privateKey, "privateKey");
    requireNonNull(id, "id");
    requireNonNull(serialNumber, "serialNumber");
    requireNonNull(notAfter, "notAfter");
    if (chain.isEmpty()) {
      throw new InvalidIdentityException("leaf certificate chain is empty");
    }
    X509Certificate leaf = chain.get(0);
    if (Certificates.isCa(leaf)) {
      throw new InvalidIdentityException(
          "certificate " + Certificates.describe(leaf) + " is a CA certificate, not a leaf");
    }
    ServiceIdentity inCertificate = Certificates.serviceIdentity(leaf);
    if (!inCertificate.equals(id)) {
      throw new InvalidIdentityException(
          "leaf certificate names " + inCertificate + " but the leaf was given as " + id);
    }
    String serial = Certificates.serialHex(leaf.getSerialNumber());
    if (!serial.equals(serialNumber)) {
      throw new InvalidIdentityException(
          "leaf certificate " + id + " has serial " + serial + ", not " + serialNumber);
    }
    if (!leaf.getNotAfter().toInstant().equals(notAfter)) {
      throw new InvalidIdentityException(
          "leaf certificate "
              + id
              + " expires at "
              + leaf.getNotAfter().toInstant()
              + ", not "
              + notAfter);
    }
    if (!Certificates.keyMatches(privateKey, leaf.getPublicKey())) {
      throw new InvalidIdentityException(
          "the private key does not match the public key of leaf certificate "
              + id
              + " (serial "
              + serial
              + ")");
    }
  }

  /**
   * Creates a leaf from its chain and key, reading identity, serial and expiry from the leaf.
   *
   * @param chain the leaf first, then any intermediates
   * @param privateKey the leaf's private key
   * @return the leaf
   * @throws InvalidIdentityException if the parts are not a valid Connect leaf
   */
  public static LeafCertificate of(List<X509Certificate> chain, PrivateKey privateKey) {
    requireNonNull(chain, "chain");
    if (chain.isEmpty()) {
      throw new InvalidIdentityException("leaf certificate chain is empty");
    }
    X509Certificate leaf = chain.get(0);
    return new LeafCertificate(
        chain,
        privateKey,
        Certificates.serviceIdentity(leaf),
        Certificates.serialHex(leaf.getSerialNumber()),
        leaf.getNotAfter().toInstant());
  }

  /**
   * Creates a leaf from PEM text, as the agent returns it in {@code CertPEM} and {@code
   * PrivateKeyPEM}.
   *
   * @param certificatePem one or more {@code CERTIFICATE} blocks, the leaf first
   * @param privateKeyPem one {@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY} or {@code PRIVATE KEY}
   *     block (unencrypted; EC P-256/P-384 or RSA of at least 2048 bits)
   * @return the leaf
   * @throws InvalidIdentityException if the PEM does not parse or is not a valid Connect leaf
   */
  public static LeafCertificate fromPem(String certificatePem, String privateKeyPem) {
    return of(
        Pem.certificates(requireNonNull(certificatePem, "certificatePem"), "leaf certificate PEM"),
        Pem.privateKey(requireNonNull(privateKeyPem, "privateKeyPem"), "leaf private key PEM"));
  }

  /**
   * Returns the leaf certificate itself, the first of the chain.
   *
   * @return the leaf certificate
   */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * Describes the leaf without its private key.
   *
   * @return e.g. {@code LeafCertificate[id=spiffe://…/svc/web, serialNumber=0c, notAfter=…,
   *     chainLength=1, privateKey=<redacted>]}
   */
  @Override
  public String toString() {
    return "LeafCertificate[id="
        + id
        + ", serialNumber="
        + serialNumber
        + ", notAfter="
        + notAfter
        + ", chainLength="
        + chain.size()
        + ", privateKey=<redacted>]";
  }
}
