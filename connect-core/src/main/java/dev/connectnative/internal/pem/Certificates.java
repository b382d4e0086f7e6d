package dev.connectnative.internal.pem;

import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.SpiffeId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Facts about X.509 certificates that the identity and TLS code needs. */
public final class Certificates {
  private static final int SAN_URI = 6;
  private static final byte[] PROBE =
      "connectnative key/certificate match probe".getBytes(StandardCharsets.US_ASCII);

  private Certificates() {}

  /** Returns the URI subject alternative names of {@code cert}, in certificate order. */
  public static List<String> uriSans(X509Certificate cert) {
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new InvalidIdentityException(
          "certificate " + describe(cert) + " has an unreadable subjectAltName extension", e);
    }
    List<String> uris = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0))) {
          uris.add(String.valueOf(san.get(1)));
        }
      }
    }
    return uris;
  }

  /**
   * Reads the service identity of a leaf certificate: exactly one URI SAN, which parses as a Consul
   * service identity.
   *
   * @throws InvalidIdentityException naming what is wrong
   */
  public static ServiceIdentity serviceIdentity(X509Certificate leaf) {
    List<String> uris = uriSans(leaf);
    if (uris.isEmpty()) {
      throw new InvalidIdentityException(
          "certificate "
              + describe(leaf)
              + " has no URI SAN (a Connect leaf carries its SPIFFE ID there)");
    }
    if (uris.size() > 1) {
      throw new InvalidIdentityException(
          "certificate "
              + describe(leaf)
              + " has "
              + uris.size()
              + " URI SANs "
              + uris
              + " (a Connect leaf carries exactly one)");
    }
    SpiffeId id = SpiffeId.parse(uris.get(0));
    if (id instanceof ServiceIdentity service) {
      return service;
    }
    throw new InvalidIdentityException(
        "certificate " + describe(leaf) + " names " + id + ", which is not a service identity");
  }

  /** Tells whether {@code cert} is a CA certificate (basicConstraints CA:TRUE). */
  public static boolean isCa(X509Certificate cert) {
    return cert.getBasicConstraints() >= 0;
  }

  /**
   * Formats a serial number the way Consul does: lowercase hex bytes joined by ':' (e.g. {@code
   * 08}, {@code 01:2c}).
   */
  public static String serialHex(BigInteger serial) {
    byte[] bytes = serial.toByteArray();
    int from = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    StringBuilder out = new StringBuilder();
    for (int i = from; i < bytes.length; i++) {
      if (out.length() > 0) {
        out.append(':');
      }
      out.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(bytes[i] & 0xf, 16));
    }
    return out.toString();
  }

  /**
   * Tells whether {@code privateKey} is the private half of {@code publicKey}, by signing a probe
   * and verifying it.
   */
  public static boolean keyMatches(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default ->
              throw new InvalidIdentityException(
                  "unsupported private key algorithm "
                      + privateKey.getAlgorithm()
                      + " (supported: EC, RSA)");
        };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A short description for messages: the first URI SAN if any, else the subject, and serial. */
  public static String describe(X509Certificate cert) {
    List<String> uris = uriSansQuiet(cert);
    String name =
        uris.isEmpty() ? "\"" + cert.getSubjectX500Principal().getName() + "\"" : uris.get(0);
    return name + " (serial " + serialHex(cert.getSerialNumber()) + ")";
  }

  private static List<String> uriSansQuiet(X509Certificate cert) {
    try {
      return uriSans(cert);
    } catch (InvalidIdentityException e) {
      return List.of();
    }
  }
}
