package dev.connectnative.testkit.internal;

import dev.connectnative.testkit.KeyAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate minting with the shapes Consul's built-in CA produces. */
public final class Certs {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIALS = new AtomicLong(2);

  private Certs() {}

  /** Returns a fresh serial number, unique within this JVM (Consul's are small integers too). */
  public static BigInteger nextSerial() {
    return BigInteger.valueOf(SERIALS.getAndIncrement());
  }

  /** Generates a key pair for {@code algorithm}. */
  public static KeyPair generate(KeyAlgorithm algorithm) {
    try {
      switch (algorithm) {
        case EC_P256:
        case EC_P384:
          KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
          ec.initialize(
              new ECGenParameterSpec(algorithm == KeyAlgorithm.EC_P256 ? "secp256r1" : "secp384r1"),
              RANDOM);
          return ec.generateKeyPair();
        case RSA_2048:
          KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
          rsa.initialize(2048, RANDOM);
          return rsa.generateKeyPair();
        default:
          throw new IllegalArgumentException("unsupported key algorithm " + algorithm);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key pair", e);
    }
  }

  /** Tells which {@link KeyAlgorithm} a key belongs to. */
  public static KeyAlgorithm algorithmOf(PublicKey key) {
    if (key instanceof java.security.interfaces.ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) {
        return KeyAlgorithm.EC_P256;
      }
      if (bits == 384) {
        return KeyAlgorithm.EC_P384;
      }
      throw new IllegalArgumentException("unsupported EC curve size " + bits);
    }
    if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() != 2048) {
        throw new IllegalArgumentException(
            "unsupported RSA key size " + rsa.getModulus().bitLength());
      }
      return KeyAlgorithm.RSA_2048;
    }
    throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
  }

  /** Subject Key Identifier as Consul computes it: SHA-256 of the public key bits (32 bytes). */
  public static byte[] keyId(PublicKey key) {
    byte[] bits = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
    return digest("SHA-256", bits);
  }

  /** SHA-1 fingerprint of the DER encoding, lowercase colon hex (Consul's root {@code ID}). */
  public static String fingerprint(X509Certificate cert) {
    try {
      return colonHex(digest("SHA-1", cert.getEncoded()));
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot encode certificate", e);
    }
  }

  /** Lowercase hex bytes joined by ':' ({@code "08"}, {@code "b1:bb:..."}). */
  public static String colonHex(byte[] bytes) {
    HexFormat format = HexFormat.ofDelimiter(":");
    return format.formatHex(bytes);
  }

  /** A serial number as Consul prints a leaf's: minimal big-endian bytes in colon hex. */
  public static String serialHex(BigInteger serial) {
    byte[] bytes = serial.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      bytes = trimmed;
    }
    return colonHex(bytes);
  }

  /** Everything that goes into one certificate. */
  public record Spec(
      X500Name issuer,
      PrivateKey issuerKey,
      PublicKey issuerPublicKey,
      X500Name subject,
      PublicKey subjectKey,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      List<String> uriSans,
      boolean ca) {
    /** Copies the SAN list. */
    public Spec {
      uriSans = List.copyOf(uriSans);
    }
  }

  /** Mints a root or intermediate ({@code ca}) or a leaf certificate. */
  public static X509Certificate mint(Spec spec, boolean leafUsages) {
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            spec.issuer(),
            spec.serial(),
            Date.from(spec.notBefore()),
            Date.from(spec.notAfter()),
            spec.subject(),
            SubjectPublicKeyInfo.getInstance(spec.subjectKey().getEncoded()));
    try {
      if (spec.ca()) {
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else if (leafUsages) {
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(
                KeyUsage.digitalSignature
                    | KeyUsage.keyEncipherment
                    | KeyUsage.dataEncipherment
                    | KeyUsage.keyAgreement));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
      }
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(spec.ca()));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new SubjectKeyIdentifier(keyId(spec.subjectKey())));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(keyId(spec.issuerPublicKey())));
      if (!spec.uriSans().isEmpty()) {
        GeneralName[] names =
            spec.uriSans().stream()
                .map(uri -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder(signatureAlgorithm(algorithmOf(spec.issuerPublicKey())))
              .build(spec.issuerKey());
      byte[] der = builder.build(signer).getEncoded();
      return parse(der);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot create a signer", e);
    }
  }

  /** Parses one DER certificate with the JDK. */
  public static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException("cannot parse a freshly minted certificate", e);
    }
  }

  private static String signatureAlgorithm(KeyAlgorithm signer) {
    switch (signer) {
      case EC_P256:
        return "SHA256withECDSA";
      case EC_P384:
        return "SHA384withECDSA";
      case RSA_2048:
        return "SHA256withRSA";
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + signer);
    }
  }

  private static byte[] digest(String algorithm, byte[] input) {
    try {
      return MessageDigest.getInstance(algorithm).digest(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }
}
