package dev.connectnative.internal.pem;

import static java.util.Objects.requireNonNull;

import dev.connectnative.InvalidIdentityException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Decodes PEM certificates and private keys into JDK objects.
 *
 * <p>Keys may be SEC1 ({@code EC PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or unencrypted
 * PKCS#8 ({@code PRIVATE KEY}); EC keys must be on P-256 or P-384, RSA keys at least 2048 bits.
 * BouncyCastle only reads the ASN.1 structures; the key objects come from the JDK's {@link
 * KeyFactory}, so no provider is ever registered. Error messages name the block type and position,
 * never key bytes.
 */
public final class Pem {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String SEC1 = "EC PRIVATE KEY";
  private static final String PKCS1 = "RSA PRIVATE KEY";
  private static final String PKCS8 = "PRIVATE KEY";
  private static final String PKCS8_ENCRYPTED = "ENCRYPTED PRIVATE KEY";
  private static final int MIN_RSA_BITS = 2048;
  private static final Map<ASN1ObjectIdentifier, String> CURVES =
      Map.of(SECObjectIdentifiers.secp256r1, "P-256", SECObjectIdentifiers.secp384r1, "P-384");

  private Pem() {}

  /**
   * Decodes every {@code CERTIFICATE} block of {@code pem}, in order (leaf first for a chain).
   *
   * @param what what the text is, for messages, e.g. {@code leaf certificate PEM}
   * @throws InvalidIdentityException if there is no block, a block of another type, or a block that
   *     is not a valid certificate
   */
  public static List<X509Certificate> certificates(String pem, String what) {
    List<PemObject> blocks = blocks(pem, what);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    List<X509Certificate> certificates = new ArrayList<>(blocks.size());
    for (int i = 0; i < blocks.size(); i++) {
      PemObject block = blocks.get(i);
      if (!CERTIFICATE.equals(block.getType())) {
        throw new InvalidIdentityException(
            what
                + ": PEM block "
                + (i + 1)
                + " is \""
                + block.getType()
                + "\", expected CERTIFICATE");
      }
      try {
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
      } catch (CertificateException | ClassCastException e) {
        throw new InvalidIdentityException(
            what + ": PEM block " + (i + 1) + " is not a valid X.509 certificate", e);
      }
    }
    return List.copyOf(certificates);
  }

  /**
   * Decodes the single private key block of {@code pem}.
   *
   * @param what what the text is, for messages, e.g. {@code private key PEM}
   * @throws InvalidIdentityException if there is not exactly one block, it is encrypted, of an
   *     unsupported type, algorithm, curve or size, or malformed
   */
  public static PrivateKey privateKey(String pem, String what) {
    List<PemObject> blocks = blocks(pem, what);
    if (blocks.size() != 1) {
      throw new InvalidIdentityException(
          what + " holds " + blocks.size() + " PEM blocks, expected exactly one private key");
    }
    PemObject block = blocks.get(0);
    for (Object header : block.getHeaders()) {
      if (header instanceof PemHeader h && "Proc-Type".equalsIgnoreCase(h.getName())) {
        throw new InvalidIdentityException(
            what + ": encrypted private keys are not supported (Proc-Type header)");
      }
    }
    PrivateKeyInfo info =
        switch (block.getType()) {
          case SEC1 -> fromSec1(block.getContent(), what);
          case PKCS1 -> fromPkcs1(block.getContent(), what);
          case PKCS8 -> fromPkcs8(block.getContent(), what);
          case PKCS8_ENCRYPTED ->
              throw new InvalidIdentityException(
                  what + ": encrypted private keys are not supported (ENCRYPTED PRIVATE KEY)");
          default ->
              throw new InvalidIdentityException(
                  what
                      + ": PEM block is \""
                      + block.getType()
                      + "\", expected "
                      + SEC1
                      + ", "
                      + PKCS1
                      + " or "
                      + PKCS8);
        };
    return toJdkKey(info, what);
  }

  private static List<PemObject> blocks(String pem, String what) {
    requireNonNull(pem, what);
    List<PemObject> blocks = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      for (PemObject block = reader.readPemObject();
          block != null;
          block = reader.readPemObject()) {
        blocks.add(block);
      }
    } catch (IOException e) {
      throw new InvalidIdentityException(
          what + " is malformed PEM (" + e.getMessage() + ", truncated?)");
    } catch (RuntimeException e) {
      throw new InvalidIdentityException(what + " is malformed PEM (invalid base64 content)");
    }
    if (blocks.isEmpty()) {
      throw new InvalidIdentityException(what + " holds no PEM block");
    }
    return blocks;
  }

  private static PrivateKeyInfo fromSec1(byte[] der, String what) {
    ECPrivateKey key;
    try {
      key = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw malformed(what, SEC1);
    }
    if (key == null || key.getParametersObject() == null) {
      throw new InvalidIdentityException(what + ": " + SEC1 + " names no curve");
    }
    ASN1ObjectIdentifier curve = curve(key.getParametersObject(), what);
    try {
      return new PrivateKeyInfo(
          new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), key);
    } catch (IOException e) {
      throw malformed(what, SEC1);
    }
  }

  private static PrivateKeyInfo fromPkcs1(byte[] der, String what) {
    try {
      RSAPrivateKey key = RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
      return new PrivateKeyInfo(
          new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), key);
    } catch (IOException | RuntimeException e) {
      throw malformed(what, PKCS1);
    }
  }

  private static PrivateKeyInfo fromPkcs8(byte[] der, String what) {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | RuntimeException e) {
      throw malformed(what, PKCS8);
    }
    if (info == null) {
      throw malformed(what, PKCS8);
    }
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      curve(info.getPrivateKeyAlgorithm().getParameters(), what);
    } else if (!PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      throw new InvalidIdentityException(
          what + ": unsupported key algorithm " + algorithm.getId() + " (supported: EC, RSA)");
    }
    return info;
  }

  private static ASN1ObjectIdentifier curve(Object parameters, String what) {
    if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
      throw new InvalidIdentityException(
          what + ": EC key without a named curve (explicit curve parameters are not supported)");
    }
    if (!CURVES.containsKey(curve)) {
      throw new InvalidIdentityException(
          what + ": unsupported EC curve " + curve.getId() + " (supported: P-256, P-384)");
    }
    return curve;
  }

  private static PrivateKey toJdkKey(PrivateKeyInfo info, String what) {
    boolean ec =
        X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm());
    PrivateKey key;
    try {
      key =
          KeyFactory.getInstance(ec ? "EC" : "RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new InvalidIdentityException(
          what + ": the " + (ec ? "EC" : "RSA") + " private key is not valid");
    }
    if (key instanceof RSAPrivateCrtKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new InvalidIdentityException(
          what
              + ": RSA key of "
              + rsa.getModulus().bitLength()
              + " bits is too short (minimum "
              + MIN_RSA_BITS
              + ")");
    }
    return key;
  }

  private static InvalidIdentityException malformed(String what, String type) {
    return new InvalidIdentityException(
        what + ": the " + type + " block is not a valid key structure");
  }
}
