package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.pem.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IdentitySource} serving material given by the caller: PEM text, PEM files or a ready
 * snapshot. It starts no thread and is always ready.
 *
 * <p>{@link #update(IdentitySnapshot)} replaces the material by hand (tests, or a caller that
 * watches files itself); listeners run on the updating thread before {@code update} returns.
 *
 * <pre>{@code
 * StaticIdentitySource source = StaticIdentitySource.fromFiles(
 *     Path.of("roots.pem"), Path.of("web.cert.pem"), Path.of("web.key.pem"));
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} drops the listeners and refuses further updates; {@link
 * #current()} keeps answering.
 */
public final class StaticIdentitySource implements IdentitySource {
  private static final Logger log = LoggerFactory.getLogger(StaticIdentitySource.class);

  private final Object lock = new Object();
  private final List<IdentityListener> listeners = new CopyOnWriteArrayList<>();
  private volatile IdentitySnapshot snapshot;
  private volatile boolean closed;

  private StaticIdentitySource(IdentitySnapshot initial) {
    this.snapshot = initial;
  }

  /**
   * Creates a source serving {@code snapshot}.
   *
   * @param snapshot the initial snapshot
   * @return the source
   * @throws NullPointerException if {@code snapshot} is null
   */
  public static StaticIdentitySource of(IdentitySnapshot snapshot) {
    return new StaticIdentitySource(requireNonNull(snapshot, "snapshot"));
  }

  /**
   * Creates a source from PEM text.
   *
   * <p>Self-signed certificates in {@code rootsPem} become roots; the others (cross-signed
   * certificates) become intermediates. The active root is the root that issued the top of the
   * leaf's chain, or the first root if none did. The trust domain is the leaf's. The snapshot has
   * revision 0.
   *
   * @param rootsPem one or more {@code CERTIFICATE} blocks: the roots, plus any cross-signed
   *     certificates
   * @param leafCertPem the leaf certificate, optionally followed by intermediates
   * @param keyPem the leaf's private key (SEC1, PKCS#1 or PKCS#8, unencrypted)
   * @return the source
   * @throws InvalidIdentityException if the PEM does not parse or does not form a valid identity
   */
  public static StaticIdentitySource fromPem(String rootsPem, String leafCertPem, String keyPem) {
    return of(snapshotFromPem(rootsPem, leafCertPem, keyPem, 0));
  }

  /**
   * Creates a source from PEM files, see {@link #fromPem(String, String, String)}.
   *
   * @param rootsPem file of root certificates
   * @param leafCertPem file of the leaf certificate (and intermediates)
   * @param keyPem file of the leaf's private key
   * @return the source
   * @throws IOException if a file cannot be read
   * @throws InvalidIdentityException if the content does not form a valid identity
   */
  public static StaticIdentitySource fromFiles(Path rootsPem, Path leafCertPem, Path keyPem)
      throws IOException {
    return fromPem(
        read(rootsPem, "rootsPem"), read(leafCertPem, "leafCertPem"), read(keyPem, "keyPem"));
  }

  /**
   * Replaces the snapshot and tells the listeners.
   *
   * @param next the new snapshot; its revision must be higher than the current one
   * @throws IllegalArgumentException if the revision does not increase
   * @throws IllegalStateException if the source is closed
   */
  public void update(IdentitySnapshot next) {
    requireNonNull(next, "next");
    IdentitySnapshot previous;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("identity source is closed");
      }
      previous = snapshot;
      if (next.revision() <= previous.revision()) {
        throw new IllegalArgumentException(
            "revision must increase: current "
                + previous.revision()
                + ", given "
                + next.revision());
      }
      snapshot = next;
      log.info(
          "identity updated: revision={}, leaf serial={}, notAfter={}",
          next.revision(),
          next.leaf().serialNumber(),
          next.leaf().notAfter());
      for (IdentityListener listener : listeners) {
        notify(listener, previous, next);
      }
    }
  }

  /**
   * Replaces trust bundle and leaf, with the next revision number.
   *
   * @param trust the new trust bundle
   * @param leaf the new leaf
   * @return the snapshot now in effect
   * @throws IllegalStateException if the source is closed
   */
  public IdentitySnapshot update(TrustBundle trust, LeafCertificate leaf) {
    synchronized (lock) {
      IdentitySnapshot next = new IdentitySnapshot(trust, leaf, snapshot.revision() + 1);
      update(next);
      return next;
    }
  }

  /**
   * Replaces the material from PEM text, with the next revision number; see {@link #fromPem(String,
   * String, String)}.
   *
   * @param rootsPem root (and cross-signed) certificates
   * @param leafCertPem the leaf certificate (and intermediates)
   * @param keyPem the leaf's private key
   * @return the snapshot now in effect
   * @throws InvalidIdentityException if the PEM does not form a valid identity
   * @throws IllegalStateException if the source is closed
   */
  public IdentitySnapshot update(String rootsPem, String leafCertPem, String keyPem) {
    synchronized (lock) {
      IdentitySnapshot next =
          snapshotFromPem(rootsPem, leafCertPem, keyPem, snapshot.revision() + 1);
      update(next);
      return next;
    }
  }

  /**
   * Returns the snapshot in effect.
   *
   * @return the snapshot, never empty
   */
  @Override
  public Optional<IdentitySnapshot> current() {
    return Optional.of(snapshot);
  }

  /**
   * Registers a listener called, on the updating thread, after each {@code update}.
   *
   * @param listener the listener
   */
  @Override
  public void addListener(IdentityListener listener) {
    requireNonNull(listener, "listener");
    if (!closed) {
      listeners.add(listener);
    }
  }

  /**
   * Reports roots and leaf present, no error.
   *
   * @return a ready status
   */
  @Override
  public IdentityStatus status() {
    return new IdentityStatus(true, true, Optional.empty());
  }

  /** Drops the listeners and refuses further updates. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      listeners.clear();
    }
  }

  private static void notify(
      IdentityListener listener, IdentitySnapshot previous, IdentitySnapshot next) {
    try {
      listener.onIdentityChanged(Optional.of(previous), next);
    } catch (RuntimeException e) {
      log.warn("identity listener {} failed", listener, e);
    }
  }

  private static IdentitySnapshot snapshotFromPem(
      String rootsPem, String leafCertPem, String keyPem, long revision) {
    requireNonNull(rootsPem, "rootsPem");
    LeafCertificate leaf = LeafCertificate.fromPem(leafCertPem, keyPem);
    List<X509Certificate> roots = new ArrayList<>();
    List<X509Certificate> intermediates = new ArrayList<>();
    for (X509Certificate cert : Pem.certificates(rootsPem, "roots PEM")) {
      if (cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
        roots.add(cert);
      } else {
        intermediates.add(cert);
      }
    }
    if (roots.isEmpty()) {
      throw new InvalidIdentityException("roots PEM holds no self-signed root certificate");
    }
    X509Certificate top = leaf.chain().get(leaf.chain().size() - 1);
    X509Certificate active =
        roots.stream()
            .filter(root -> root.getSubjectX500Principal().equals(top.getIssuerX500Principal()))
            .findFirst()
            .orElse(roots.get(0));
    TrustBundle trust = new TrustBundle(leaf.id().trustDomain(), roots, intermediates, active);
    return new IdentitySnapshot(trust, leaf, revision);
  }

  private static String read(Path file, String name) throws IOException {
    return Files.readString(requireNonNull(file, name), StandardCharsets.UTF_8);
  }
}
