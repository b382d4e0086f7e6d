package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

import dev.connectnative.testkit.internal.Certs;
import dev.connectnative.testkit.internal.Pem;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * A certificate authority shaped like Consul's built-in one, usable without an agent.
 *
 * <p>The root is self-signed, valid 10 years, with the URI SAN {@code
 * spiffe://<cluster-id>.consul}, a common name {@code pri-<random>.consul.ca.<first 8 hex of the
 * cluster id>.consul}, critical KeyUsage (digital signature, certificate sign, CRL sign) and
 * critical BasicConstraints CA:TRUE. Leaves carry one SPIFFE URI SAN, client and server extended
 * key usage and are valid 72 hours from one minute in the past, like the agent's.
 *
 * <pre>{@code
 * TestCa ca = TestCa.create();
 * IssuedLeaf web = ca.leaf("web");
 * IssuedLeaf odd = ca.leafBuilder("web").datacenter("dc2").keyEncoding(KeyEncoding.PKCS8).issue();
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class TestCa {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final Duration DEFAULT_LEAF_TTL = Duration.ofHours(72);
  private static final Duration BACKDATE = Duration.ofMinutes(1);
  private static final Duration CROSS_SIGN_VALIDITY = Duration.ofDays(7);

  private final UUID clusterId;
  private final KeyAlgorithm keyAlgorithm;
  private final KeyPair keyPair;
  private final Clock clock;
  private final X500Name subject;
  private final X509Certificate root;
  private final String rootPem;

  private TestCa(Builder builder) {
    this.clusterId = builder.clusterId != null ? builder.clusterId : UUID.randomUUID();
    this.clock = builder.clock != null ? builder.clock : Clock.systemUTC();
    if (builder.keyPair != null) {
      this.keyPair = builder.keyPair;
      this.keyAlgorithm = Certs.algorithmOf(keyPair.getPublic());
    } else {
      this.keyAlgorithm =
          builder.keyAlgorithm != null ? builder.keyAlgorithm : KeyAlgorithm.EC_P256;
      this.keyPair = Certs.generate(keyAlgorithm);
    }
    this.subject =
        commonName(
            "pri-"
                + randomChars(8)
                + ".consul.ca."
                + clusterId.toString().substring(0, 8)
                + ".consul");
    Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter =
        ZonedDateTime.ofInstant(notBefore, java.time.ZoneOffset.UTC).plusYears(10).toInstant();
    this.root =
        Certs.mint(
            new Certs.Spec(
                subject,
                keyPair.getPrivate(),
                keyPair.getPublic(),
                subject,
                keyPair.getPublic(),
                Certs.nextSerial(),
                notBefore,
                notAfter,
                List.of("spiffe://" + trustDomain()),
                true),
            false);
    this.rootPem = Pem.certificate(root);
  }

  /**
   * Creates a CA with a random cluster id and an EC P-256 root.
   *
   * @return a new CA
   */
  public static TestCa create() {
    return builder().build();
  }

  /**
   * Starts configuring a CA.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the cluster id, the UUID in the trust domain.
   *
   * @return the cluster id
   */
  public UUID clusterId() {
    return clusterId;
  }

  /**
   * Returns the trust domain, {@code <cluster-id>.consul}.
   *
   * @return the trust domain
   */
  public String trustDomain() {
    return clusterId + ".consul";
  }

  /**
   * Returns the root key's algorithm.
   *
   * @return the key algorithm
   */
  public KeyAlgorithm keyAlgorithm() {
    return keyAlgorithm;
  }

  /**
   * Returns the self-signed root certificate.
   *
   * @return the root
   */
  public X509Certificate rootCertificate() {
    return root;
  }

  /**
   * Returns the root certificate as PEM text.
   *
   * @return the root PEM, ending with a newline
   */
  public String rootPem() {
    return rootPem;
  }

  /**
   * Returns the root's id as Consul computes it: the SHA-1 fingerprint of the DER encoding in
   * lowercase colon hex.
   *
   * @return the root id
   */
  public String rootId() {
    return Certs.fingerprint(root);
  }

  /**
   * Returns the root's subject key identifier (32 bytes, SHA-256 based) in lowercase colon hex, the
   * value Consul reports as {@code SigningKeyID} and puts in every leaf's authority key identifier.
   *
   * @return the signing key id
   */
  public String signingKeyId() {
    return Certs.colonHex(Certs.keyId(keyPair.getPublic()));
  }

  /**
   * Returns the root's private key.
   *
   * @return the private key
   */
  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /**
   * Returns the root's public key.
   *
   * @return the public key
   */
  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  /**
   * Returns the root's private key as PEM text: SEC 1 for EC keys, PKCS#1 for RSA keys (what
   * Consul's CA configuration {@code PrivateKey} accepts).
   *
   * @return the private key PEM
   */
  public String privateKeyPem() {
    return Pem.privateKey(keyPair, keyAlgorithm.isEc() ? KeyEncoding.SEC1 : KeyEncoding.PKCS1);
  }

  /**
   * Returns the SPIFFE id of a service in the default namespace of datacenter {@code dc1}.
   *
   * @param service the service name, kept verbatim
   * @return {@code spiffe://<trust-domain>/ns/default/dc/dc1/svc/<service>}
   */
  public String serviceUri(String service) {
    requireNonNull(service, "service");
    return "spiffe://" + trustDomain() + "/ns/default/dc/dc1/svc/" + service;
  }

  /**
   * Issues a leaf for {@code service} in namespace {@code default}, datacenter {@code dc1}, valid
   * from one minute ago for 72 hours, with an EC P-256 key in SEC 1 PEM.
   *
   * @param service the service name
   * @return the issued leaf
   */
  public IssuedLeaf leaf(String service) {
    return leafBuilder(service).issue();
  }

  /**
   * Starts configuring a leaf for {@code service}.
   *
   * @param service the service name, kept verbatim in the URI SAN
   * @return a new leaf builder
   */
  public LeafBuilder leafBuilder(String service) {
    requireNonNull(service, "service");
    return new LeafBuilder(service);
  }

  /**
   * Cross-signs {@code newCa}'s root with this CA, the way Consul does during a rotation: the
   * result has the new root's subject and public key, is issued by this root, is valid seven days
   * from one minute ago, and lets leaves of the new root chain up to this (old) root.
   *
   * @param newCa the CA whose root is cross-signed
   * @return the cross-signed intermediate certificate
   */
  public X509Certificate crossSign(TestCa newCa) {
    requireNonNull(newCa, "newCa");
    Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
    return Certs.mint(
        new Certs.Spec(
            subject,
            keyPair.getPrivate(),
            keyPair.getPublic(),
            newCa.subject,
            newCa.keyPair.getPublic(),
            Certs.nextSerial(),
            notBefore,
            notBefore.plus(CROSS_SIGN_VALIDITY),
            List.of("spiffe://" + newCa.trustDomain()),
            true),
        false);
  }

  /**
   * Describes the CA without its key.
   *
   * @return the trust domain, root id and key algorithm
   */
  @Override
  public String toString() {
    return "TestCa[trustDomain="
        + trustDomain()
        + ", rootId="
        + rootId()
        + ", keyAlgorithm="
        + keyAlgorithm
        + ", privateKey=<redacted>]";
  }

  private static X500Name commonName(String cn) {
    return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERPrintableString(cn))});
  }

  private static String randomChars(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return out.toString();
  }

  /**
   * Configures a {@link TestCa}. Each setting may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private UUID clusterId;
    private KeyAlgorithm keyAlgorithm;
    private KeyPair keyPair;
    private Clock clock;

    private Builder() {}

    /**
     * Sets the cluster id. If unset, a random UUID.
     *
     * @param clusterId the cluster id
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clusterId(UUID clusterId) {
      requireNonNull(clusterId, "clusterId");
      checkUnset(this.clusterId, "clusterId");
      this.clusterId = clusterId;
      return this;
    }

    /**
     * Sets the root key algorithm. If unset, {@link KeyAlgorithm#EC_P256}.
     *
     * @param keyAlgorithm the algorithm
     * @return this builder
     * @throws IllegalStateException if already set, or if a private key was given
     */
    public Builder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
      requireNonNull(keyAlgorithm, "keyAlgorithm");
      checkUnset(this.keyAlgorithm, "keyAlgorithm");
      checkUnset(this.keyPair, "privateKeyPem");
      this.keyAlgorithm = keyAlgorithm;
      return this;
    }

    /**
     * Uses an existing root key instead of generating one (Consul's {@code PrivateKey} CA setting).
     * If unset, a fresh key is generated.
     *
     * @param pem an EC (P-256, P-384) or RSA-2048 private key in SEC 1, PKCS#1 or PKCS#8 PEM
     * @return this builder
     * @throws IllegalArgumentException if the PEM is not a supported private key
     * @throws IllegalStateException if already set, or if a key algorithm was given
     */
    public Builder privateKeyPem(String pem) {
      requireNonNull(pem, "pem");
      checkUnset(this.keyPair, "privateKeyPem");
      checkUnset(this.keyAlgorithm, "keyAlgorithm");
      KeyPair pair = Pem.parseKeyPair(pem);
      Certs.algorithmOf(pair.getPublic());
      this.keyPair = pair;
      return this;
    }

    /**
     * Sets the clock that dates certificates. If unset, the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      checkUnset(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * Generates the root and returns the CA.
     *
     * @return the new CA
     */
    public TestCa build() {
      return new TestCa(this);
    }
  }

  /**
   * Configures one leaf certificate. Each setting may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe.
   */
  public final class LeafBuilder {
    private final String service;
    private String namespace;
    private String datacenter;
    private String partition;
    private Instant notBefore;
    private Instant notAfter;
    private List<String> uriSans;
    private Boolean certificateAuthority;
    private KeyAlgorithm leafAlgorithm;
    private KeyEncoding keyEncoding;
    private KeyPair leafKeyPair;

    private LeafBuilder(String service) {
      this.service = service;
    }

    /**
     * Sets the namespace in the SPIFFE id and common name. If unset, {@code default}.
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder namespace(String namespace) {
      requireNonNull(namespace, "namespace");
      checkUnset(this.namespace, "namespace");
      this.namespace = namespace;
      return this;
    }

    /**
     * Sets the datacenter in the SPIFFE id. If unset, {@code dc1}.
     *
     * @param datacenter the datacenter
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder datacenter(String datacenter) {
      requireNonNull(datacenter, "datacenter");
      checkUnset(this.datacenter, "datacenter");
      this.datacenter = datacenter;
      return this;
    }

    /**
     * Sets an admin partition, which adds {@code /ap/<partition>} to the SPIFFE id. If unset (or
     * {@code default}), the id has no partition segment, like Consul's.
     *
     * @param partition the partition
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder partition(String partition) {
      requireNonNull(partition, "partition");
      checkUnset(this.partition, "partition");
      this.partition = partition;
      return this;
    }

    /**
     * Sets the validity period. If unset, from one minute ago for 72 hours.
     *
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return this builder
     * @throws IllegalArgumentException if {@code notAfter} is before {@code notBefore}
     * @throws IllegalStateException if already set
     */
    public LeafBuilder validity(Instant notBefore, Instant notAfter) {
      requireNonNull(notBefore, "notBefore");
      requireNonNull(notAfter, "notAfter");
      checkUnset(this.notBefore, "validity");
      if (notAfter.isBefore(notBefore)) {
        throw new IllegalArgumentException(
            "notAfter " + notAfter + " is before notBefore " + notBefore);
      }
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      return this;
    }

    /**
     * Replaces the SPIFFE URI SAN with these URIs; an empty list gives a certificate without any
     * SAN. If unset, the service's SPIFFE id.
     *
     * @param uris the URI SANs
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder uriSans(List<String> uris) {
      requireNonNull(uris, "uris");
      checkUnset(this.uriSans, "uriSans");
      this.uriSans = List.copyOf(uris);
      return this;
    }

    /**
     * Makes the leaf a CA certificate (BasicConstraints CA:TRUE), for negative tests. If unset,
     * {@code false}.
     *
     * @param certificateAuthority whether the certificate is a CA
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder certificateAuthority(boolean certificateAuthority) {
      checkUnset(this.certificateAuthority, "certificateAuthority");
      this.certificateAuthority = certificateAuthority;
      return this;
    }

    /**
     * Sets the leaf key algorithm. If unset, {@link KeyAlgorithm#EC_P256}.
     *
     * @param keyAlgorithm the algorithm
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
      requireNonNull(keyAlgorithm, "keyAlgorithm");
      checkUnset(this.leafAlgorithm, "keyAlgorithm");
      this.leafAlgorithm = keyAlgorithm;
      return this;
    }

    /**
     * Sets the PEM encoding of the private key. If unset, SEC 1 for EC keys and PKCS#1 for RSA.
     *
     * @param keyEncoding the encoding
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder keyEncoding(KeyEncoding keyEncoding) {
      requireNonNull(keyEncoding, "keyEncoding");
      checkUnset(this.keyEncoding, "keyEncoding");
      this.keyEncoding = keyEncoding;
      return this;
    }

    /**
     * Certifies an existing key pair instead of generating one. If unset, a fresh key is generated.
     *
     * @param keyPair the key pair
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public LeafBuilder keyPair(KeyPair keyPair) {
      requireNonNull(keyPair, "keyPair");
      checkUnset(this.leafKeyPair, "keyPair");
      this.leafKeyPair = keyPair;
      return this;
    }

    /**
     * Mints the leaf.
     *
     * @return the issued leaf
     * @throws IllegalArgumentException if the key encoding does not fit the key algorithm
     */
    public IssuedLeaf issue() {
      String ns = namespace != null ? namespace : "default";
      String dc = datacenter != null ? datacenter : "dc1";
      String ap = partition == null || "default".equals(partition) ? "" : "/ap/" + partition;
      List<String> sans =
          uriSans != null
              ? uriSans
              : List.of(
                  "spiffe://" + trustDomain() + ap + "/ns/" + ns + "/dc/" + dc + "/svc/" + service);
      KeyPair pair;
      if (leafKeyPair != null) {
        pair = leafKeyPair;
      } else {
        pair = Certs.generate(leafAlgorithm != null ? leafAlgorithm : KeyAlgorithm.EC_P256);
      }
      KeyAlgorithm algorithm = Certs.algorithmOf(pair.getPublic());
      KeyEncoding encoding =
          keyEncoding != null
              ? keyEncoding
              : algorithm.isEc() ? KeyEncoding.SEC1 : KeyEncoding.PKCS1;
      Instant start =
          notBefore != null
              ? notBefore
              : clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
      Instant end = notAfter != null ? notAfter : start.plus(DEFAULT_LEAF_TTL);
      boolean ca = certificateAuthority != null && certificateAuthority;
      java.math.BigInteger serial = Certs.nextSerial();
      X509Certificate cert =
          Certs.mint(
              new Certs.Spec(
                  subject,
                  keyPair.getPrivate(),
                  keyPair.getPublic(),
                  commonName(leafCommonName(service, ns)),
                  pair.getPublic(),
                  serial,
                  start,
                  end,
                  sans,
                  ca),
              true);
      return new IssuedLeaf(
          cert,
          pair.getPrivate(),
          Pem.certificate(cert),
          Pem.privateKey(pair, encoding),
          Certs.serialHex(serial),
          sans.isEmpty() ? "" : sans.get(0));
    }

    private String leafCommonName(String name, String ns) {
      StringBuilder cleaned = new StringBuilder();
      for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
          cleaned.append(c);
        }
      }
      return cleaned + ".svc." + ns + "." + clusterId.toString().substring(0, 8) + ".consul";
    }
  }

  private static void checkUnset(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " is already set");
    }
  }
}
