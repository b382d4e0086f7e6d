package dev.connectnative.internal.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
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
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away Consul-like CA for the TLS tests that need leaves the testkit's {@code TestCa} does
 * not mint (other extended key usages, RSA leaves, SEC1 of JDK keys), minted at run time with
 * BouncyCastle (never registered as a provider). Certificates look like Consul's: root with {@code
 * spiffe://<td>} SAN, leaves with one service URI SAN, EKU client+server auth, 72 h validity
 * backdated one minute.
 */
public final class Pki {
  private static final AtomicLong SERIALS = new AtomicLong(2);

  private final String trustDomain;
  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final String name;

  private Pki(String trustDomain, String keyAlgorithm) {
    this.trustDomain = trustDomain;
    this.name =
        "CN=pri-" + Long.toHexString(SERIALS.incrementAndGet()) + ".consul.ca." + trustDomain;
    this.rootKeys = keyPair(keyAlgorithm);
    Instant now = Instant.now();
    this.root =
        sign(
            name,
            rootKeys.getPublic(),
            name,
            rootKeys,
            now.minus(Duration.ofMinutes(1)),
            now.plus(Duration.ofDays(3650)),
            List.of("spiffe://" + trustDomain),
            true,
            null);
  }

  /** A CA with a random cluster id and an EC P-256 key. */
  public static Pki create() {
    return new Pki(UUID.randomUUID() + ".consul", "EC");
  }

  /** A CA of the given trust domain and key algorithm ({@code EC} or {@code RSA}). */
  public static Pki create(String trustDomain, String keyAlgorithm) {
    return new Pki(trustDomain, keyAlgorithm);
  }

  public String trustDomain() {
    return trustDomain;
  }

  public X509Certificate root() {
    return root;
  }

  public String rootPem() {
    return pem(root);
  }

  public Leaf leaf(String service) {
    return leafBuilder(service).issue();
  }

  public LeafSpec leafBuilder(String service) {
    return new LeafSpec(service);
  }

  /** An issued leaf: chain (leaf first) and key. */
  public record Leaf(List<X509Certificate> chain, PrivateKey key) {
    public X509Certificate certificate() {
      return chain.get(0);
    }

    public String certificatePem() {
      StringBuilder out = new StringBuilder();
      chain.forEach(c -> out.append(pem(c)));
      return out.toString();
    }

    /** SEC1 for EC, PKCS#1 for RSA, as Consul and OpenSSL write them. */
    public String keyPem() {
      return pem(key);
    }
  }

  /** Options for an unusual leaf. */
  public final class LeafSpec {
    private List<String> uris;
    private Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
    private Instant notAfter = notBefore.plus(Duration.ofHours(72));
    private boolean ca;
    private List<KeyPurposeId> usages =
        List.of(KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth);
    private String keyAlgorithm = "EC";

    private LeafSpec(String service) {
      this.uris = List.of("spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/" + service);
    }

    public LeafSpec uris(List<String> value) {
      this.uris = value;
      return this;
    }

    public LeafSpec validity(Instant from, Instant to) {
      this.notBefore = from;
      this.notAfter = to;
      return this;
    }

    public LeafSpec certificateAuthority(boolean value) {
      this.ca = value;
      return this;
    }

    /** Extended key usages; {@code null} for none at all. */
    public LeafSpec usages(List<KeyPurposeId> value) {
      this.usages = value;
      return this;
    }

    public LeafSpec keyAlgorithm(String value) {
      this.keyAlgorithm = value;
      return this;
    }

    public Leaf issue() {
      KeyPair keys = keyPair(keyAlgorithm);
      X509Certificate cert =
          sign("CN=leaf", keys.getPublic(), name, rootKeys, notBefore, notAfter, uris, ca, usages);
      return new Leaf(List.of(cert), keys.getPrivate());
    }
  }

  /**
   * PEM of a certificate or key. EC keys are written as SEC1 with their named curve, as OpenSSL and
   * Consul write them (the JDK's own encoding leaves the curve out of the inner structure).
   */
  public static String pem(Object object) {
    if (object instanceof PrivateKey key && key.getAlgorithm().equals("EC")) {
      return pemSec1(key);
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String pemSec1(PrivateKey key) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      ASN1ObjectIdentifier curve =
          ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
      int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
      ECPrivateKey sec1 = new ECPrivateKey(bits, inner.getKey(), curve);
      return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(
      String subject,
      PublicKey subjectKey,
      String issuer,
      KeyPair issuerKeys,
      Instant notBefore,
      Instant notAfter,
      List<String> uris,
      boolean ca,
      List<KeyPurposeId> usages) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              new X500Name(issuer),
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name(subject),
              subjectKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              ca
                  ? KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign
                  : KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      if (!ca && usages != null) {
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(usages.toArray(KeyPurposeId[]::new)));
      }
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      if (!uris.isEmpty()) {
        GeneralName[] names =
            uris.stream()
                .map(u -> new GeneralName(GeneralName.uniformResourceIdentifier, u))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      String algorithm =
          issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot mint certificate", e);
    }
  }

  private static KeyPair keyPair(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
