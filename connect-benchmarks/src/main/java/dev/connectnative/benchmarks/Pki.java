package dev.connectnative.benchmarks;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away EC P-256 certificate authority minted at run time, issuing Connect-shaped leaves
 * (SPIFFE URI SAN, serverAuth + clientAuth). Nothing is written to disk unless a sidecar needs PEM
 * files.
 */
final class Pki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String trustDomain = UUID.randomUUID() + ".consul";
  private final KeyPair rootKeys = newKeyPair();
  private final X509Certificate root;

  Pki() {
    try {
      X500Name subject = new X500Name("CN=Benchmark CA " + trustDomain);
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(Duration.ofMinutes(1))),
                  Date.from(now.plus(Duration.ofDays(1))),
                  subject,
                  rootKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(rootKeys.getPublic()));
      root = sign(builder);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot mint the benchmark root CA", e);
    }
  }

  /** The CA certificate every leaf chains to. */
  X509Certificate root() {
    return root;
  }

  /** Issues a leaf for {@code service} with a fresh P-256 key, valid for one day. */
  Leaf leaf(String service) {
    KeyPair keys = newKeyPair();
    try {
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      String uri = "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/" + service;
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  root,
                  serial(),
                  Date.from(now.minus(Duration.ofMinutes(1))),
                  Date.from(now.plus(Duration.ofDays(1))),
                  new X500Name("CN=" + service),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(root.getPublicKey()));
      return new Leaf(sign(builder), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue a benchmark leaf for " + service, e);
    }
  }

  /**
   * Key managers presenting {@code leaf}, from the JDK's {@code algorithm} key manager factory
   * ({@code "PKIX"} or {@code "SunX509"}).
   */
  KeyManager[] keyManagers(Leaf leaf, String algorithm) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "benchmark".toCharArray();
      store.setKeyEntry("leaf", leaf.key(), password, new Certificate[] {leaf.certificate(), root});
      KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build key managers", e);
    }
  }

  /**
   * Trust managers that accept exactly chains ending at {@link #root()}, from {@code provider}'s
   * PKIX trust manager factory ({@code null}: the JDK's).
   */
  TrustManager[] trustManagers(Provider provider) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("root", root);
      TrustManagerFactory factory =
          provider == null
              ? TrustManagerFactory.getInstance("PKIX")
              : TrustManagerFactory.getInstance("PKIX", provider);
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build trust managers", e);
    }
  }

  /** Writes the root certificate as PEM to {@code file}. */
  void writeRootPem(java.nio.file.Path file) {
    write(file, pem(root));
  }

  private static void write(java.nio.file.Path file, String text) {
    try {
      Files.writeString(file, text);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode PEM", e);
    }
    return out.toString();
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign a certificate", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key pair generator", e);
    }
  }

  /** A leaf certificate and its private key. */
  record Leaf(X509Certificate certificate, PrivateKey key) {
    /** Certificate then PKCS#8 key, PEM: the single-file form HAProxy's {@code crt} expects. */
    String certificateAndKeyPem() {
      return pem(certificate)
          + "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    }

    /** Writes certificate and PKCS#8 key PEM to {@code file}, readable by the owner only. */
    void writePem(java.nio.file.Path file) {
      write(file, certificateAndKeyPem());
    }

    @Override
    public String toString() {
      return "Leaf[" + certificate.getSubjectX500Principal() + ", key=<redacted>]";
    }
  }
}
