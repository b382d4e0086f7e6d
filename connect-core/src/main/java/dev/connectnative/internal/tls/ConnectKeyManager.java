package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents this service's current leaf, read from the {@link IdentitySource} on every handshake.
 *
 * <p>The alias is {@code "leaf-" + revision}, so it changes with every snapshot, and the previous
 * leaf stays resolvable for one rotation: a handshake that chose its alias just before a rotation
 * still gets the chain and key of the same leaf, and caches keyed by alias (Netty's OpenSSL key
 * material cache) never serve a stale key under a current alias. The issuers a peer asks for are
 * ignored: a Connect service has exactly one identity. Thread-safe.
 */
public final class ConnectKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS_PREFIX = "leaf-";

  /** One leaf and the alias it is known by. */
  private record Entry(String alias, X509Certificate[] chain, PrivateKey key) {}

  /** The current leaf and the one before it. */
  private record Entries(long revision, Entry current, Entry previous) {}

  private final IdentitySource source;
  private final AtomicReference<Entries> entries = new AtomicReference<>();

  /**
   * Creates a key manager.
   *
   * @param source where the leaf comes from, read per handshake
   */
  public ConnectKeyManager(IdentitySource source) {
    this.source = requireNonNull(source, "source");
  }

  /** Returns the alias naming a snapshot's leaf. */
  public static String alias(IdentitySnapshot snapshot) {
    return ALIAS_PREFIX + snapshot.revision();
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return chooseFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseFor(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return chooseFor(new String[] {keyType});
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseFor(new String[] {keyType});
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Entry entry = find(alias);
    return entry == null ? null : entry.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Entry entry = find(alias);
    return entry == null ? null : entry.key();
  }

  private String[] aliasesFor(String keyType) {
    String alias = chooseFor(new String[] {keyType});
    return alias == null ? null : new String[] {alias};
  }

  private String chooseFor(String[] keyTypes) {
    Entry current = refresh();
    if (current == null || keyTypes == null) {
      return null;
    }
    String algorithm = current.key().getAlgorithm();
    for (String keyType : keyTypes) {
      if (keyType != null && algorithm.equals(keyAlgorithm(keyType))) {
        return current.alias();
      }
    }
    return null;
  }

  /**
   * Key types are {@code EC}, {@code RSA}, or for TLS 1.2 ECDH suites {@code EC_EC} / {@code
   * EC_RSA} (key algorithm, then signer): the key algorithm is the part before '_'.
   */
  private static String keyAlgorithm(String keyType) {
    int underscore = keyType.indexOf('_');
    return underscore < 0 ? keyType : keyType.substring(0, underscore);
  }

  private Entry find(String alias) {
    if (alias == null) {
      return null;
    }
    refresh();
    Entries known = entries.get();
    if (known == null) {
      return null;
    }
    for (Entry entry : new Entry[] {known.current(), known.previous()}) {
      if (entry != null && entry.alias().equals(alias)) {
        return entry;
      }
    }
    return null;
  }

  /** Makes the source's current snapshot the current entry, keeping the one before. */
  private Entry refresh() {
    Optional<IdentitySnapshot> snapshot = source.current();
    if (snapshot.isEmpty()) {
      Entries known = entries.get();
      return known == null ? null : known.current();
    }
    IdentitySnapshot next = snapshot.get();
    while (true) {
      Entries known = entries.get();
      if (known != null && known.revision() >= next.revision()) {
        return known.current();
      }
      List<X509Certificate> chain = new ArrayList<>(next.leaf().chain());
      Entry entry =
          new Entry(alias(next), chain.toArray(new X509Certificate[0]), next.leaf().privateKey());
      Entries updated = new Entries(next.revision(), entry, known == null ? null : known.current());
      if (entries.compareAndSet(known, updated)) {
        return entry;
      }
    }
  }
}
