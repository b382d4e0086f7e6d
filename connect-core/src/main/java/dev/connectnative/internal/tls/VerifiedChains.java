package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.TrustBundle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Chains that passed PKIX path validation and the static leaf checks, so that a peer presenting the
 * same chain again costs a SHA-256 over its DER instead of signature verifications.
 *
 * <p>An entry is keyed by the peer's role (which extended key usage was checked), a SHA-256 over
 * the trust material it was validated against (trust domain, every root, every intermediate) and a
 * SHA-256 over the DER of every certificate the peer presented, in order. A hit also requires the
 * leaf's DER to equal the stored leaf and the current time to lie inside the validity window of the
 * validated path (latest notBefore, earliest notAfter); anything else is a miss, on which the trust
 * manager runs every check again, so a refusal reads the same whether or not the chain was cached.
 *
 * <p>Only chains that passed are stored, so chains that do not validate leave no trace; a peer
 * holding a valid leaf can vary its chain (extra certificates) to create entries, but the cache is
 * bounded in size and entries expire after a period without use. New trust material empties it.
 * Thread-safe; cache maintenance runs on the calling threads (no thread of its own).
 */
final class VerifiedChains {
  /** Enough for every peer of a large service, about 1.5 KB each. */
  static final long MAXIMUM_SIZE = 4096;

  /** Longer than a busy peer's gap between connections, far shorter than a leaf's life. */
  static final Duration EXPIRE_AFTER_ACCESS = Duration.ofMinutes(10);

  private final Cache<Key, Verified> cache;
  private final AtomicReference<Digest> trust = new AtomicReference<>();

  /**
   * Creates an empty cache.
   *
   * @param maximumSize the most chains kept
   * @param expireAfterAccess how long a chain is kept without being looked up
   * @param ticker the time source of the expiry
   */
  VerifiedChains(long maximumSize, Duration expireAfterAccess, Ticker ticker) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterAccess(requireNonNull(expireAfterAccess, "expireAfterAccess"))
            .ticker(requireNonNull(ticker, "ticker"))
            .executor(Runnable::run)
            .build();
  }

  /** Creates a cache with the default bounds and the system ticker. */
  static VerifiedChains withDefaults() {
    return new VerifiedChains(MAXIMUM_SIZE, EXPIRE_AFTER_ACCESS, Ticker.systemTicker());
  }

  /**
   * Returns the digest identifying {@code bundle}'s trust material, emptying the cache when it
   * differs from the trust material seen before.
   *
   * @throws CertificateEncodingException if a root or intermediate cannot be encoded
   */
  Digest adopt(TrustBundle bundle) throws CertificateEncodingException {
    MessageDigest sha256 = sha256();
    update(sha256, bundle.trustDomain().getBytes(StandardCharsets.UTF_8));
    sha256.update(length(bundle.roots().size()));
    for (X509Certificate root : bundle.roots()) {
      update(sha256, root.getEncoded());
    }
    for (X509Certificate intermediate : bundle.intermediates()) {
      update(sha256, intermediate.getEncoded());
    }
    Digest digest = new Digest(sha256.digest());
    Digest previous = trust.getAndSet(digest);
    if (previous != null && !previous.equals(digest)) {
      cache.invalidateAll();
    }
    return digest;
  }

  /**
   * Returns the key of {@code chain} presented by a {@code role} peer under the trust material
   * {@code trust}.
   *
   * @throws CertificateEncodingException if a certificate cannot be encoded
   */
  Key key(PeerRole role, Digest trust, X509Certificate[] chain)
      throws CertificateEncodingException {
    MessageDigest sha256 = sha256();
    for (X509Certificate cert : chain) {
      update(sha256, cert.getEncoded());
    }
    return new Key(role, trust, new Digest(sha256.digest()));
  }

  /**
   * Returns what was verified for {@code key}, or {@code null} when nothing was, the stored leaf is
   * not {@code leaf}, or {@code now} is outside the path's validity window.
   *
   * @throws CertificateEncodingException if the leaf cannot be encoded
   */
  Verified lookup(Key key, X509Certificate leaf, Instant now) throws CertificateEncodingException {
    Verified verified = cache.getIfPresent(key);
    if (verified == null || !verified.validAt(now) || !verified.isLeaf(leaf.getEncoded())) {
      return null;
    }
    return verified;
  }

  /** Remembers that the chain of {@code key} passed. */
  void store(Key key, Verified verified) {
    cache.put(key, verified);
  }

  /** Forgets the chain of {@code key}, which no longer passes. */
  void forget(Key key) {
    cache.invalidate(key);
  }

  /** Returns how many chains are kept, after pending maintenance. */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Length-prefixed, so that no two different sequences of parts hash the same input. */
  private static void update(MessageDigest sha256, byte[] part) {
    sha256.update(length(part.length));
    sha256.update(part);
  }

  private static byte[] length(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /** A SHA-256 value. */
  static final class Digest {
    private final byte[] bytes;

    private Digest(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Digest digest && MessageDigest.isEqual(bytes, digest.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** The role, trust material and presented chain of a validation. */
  record Key(PeerRole role, Digest trust, Digest chain) {}

  /**
   * What passed: the leaf's identity, its DER, and when every certificate of the validated path is
   * valid.
   */
  static final class Verified {
    private final ServiceIdentity id;
    private final byte[] leaf;
    private final Instant notBefore;
    private final Instant notAfter;

    private Verified(ServiceIdentity id, byte[] leaf, Instant notBefore, Instant notAfter) {
      this.id = id;
      this.leaf = leaf;
      this.notBefore = notBefore;
      this.notAfter = notAfter;
    }

    /**
     * Records a validated chain.
     *
     * @param id the identity in the leaf's URI SAN
     * @param leaf the leaf
     * @param path the validated path, leaf first, without the trust anchor (which PKIX does not
     *     check for validity either)
     * @throws CertificateEncodingException if the leaf cannot be encoded
     */
    static Verified of(ServiceIdentity id, X509Certificate leaf, List<? extends Certificate> path)
        throws CertificateEncodingException {
      Instant notBefore = leaf.getNotBefore().toInstant();
      Instant notAfter = leaf.getNotAfter().toInstant();
      for (Certificate cert : path) {
        X509Certificate x509 = (X509Certificate) cert;
        Instant from = x509.getNotBefore().toInstant();
        Instant to = x509.getNotAfter().toInstant();
        notBefore = from.isAfter(notBefore) ? from : notBefore;
        notAfter = to.isBefore(notAfter) ? to : notAfter;
      }
      return new Verified(id, leaf.getEncoded(), notBefore, notAfter);
    }

    ServiceIdentity id() {
      return id;
    }

    Instant notBefore() {
      return notBefore;
    }

    Instant notAfter() {
      return notAfter;
    }

    /** As {@link X509Certificate#checkValidity(java.util.Date)}: both bounds are inclusive. */
    boolean validAt(Instant now) {
      return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    boolean isLeaf(byte[] der) {
      return MessageDigest.isEqual(leaf, der);
    }
  }
}
