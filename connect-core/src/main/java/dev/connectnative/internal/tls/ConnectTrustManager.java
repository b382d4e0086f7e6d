package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.pem.Certificates;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validates Connect peers against the current {@link IdentitySnapshot}, read once per handshake.
 *
 * <p>Checks, in order: the peer sent a certificate; its leaf is not a CA; extended key usage, when
 * present, allows the peer's role; exactly one URI SAN that is a service identity; the leaf is
 * valid now; PKIX path to ANY of our roots (cross-signed intermediates from the bundle and from the
 * peer's chain as extra path material, revocation off); the trust domain is acceptable under the
 * {@link TrustDomainPolicy}. Then, for a server, the identity registered in {@link ExpectedPeers}
 * for this socket or engine must name the same service (compared as Consul does: partition,
 * namespace, datacenter and service, ignoring case); with no registration the handshake fails. For
 * a client, the {@link ClientAuthorizer}, if one is set, decides.
 *
 * <p>The checks up to and including the path are the same for every handshake presenting the same
 * chain under the same trust material, and the path costs signature verifications; {@link
 * VerifiedChains} remembers chains that passed them, so a repeated chain costs one SHA-256. A
 * remembered chain is used only while every certificate of its path is valid at the clock's time
 * and only under the exact trust material it was validated against; otherwise every check runs
 * again. The trust domain policy, the expected server identity and the client authorizer run on
 * every handshake.
 *
 * <p>Every refusal is a {@link CertificateException} whose message names the peer's identity and
 * the reason. Thread-safe.
 */
public final class ConnectTrustManager extends X509ExtendedTrustManager {
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
  private static final X509Certificate[] NO_CERTIFICATES = new X509Certificate[0];

  /** Trust anchors and the trust material's digest, prepared once per trust bundle. */
  private record Prepared(
      TrustBundle bundle, Set<TrustAnchor> anchors, VerifiedChains.Digest digest) {}

  private final IdentitySource source;
  private final TrustDomainPolicy policy;
  private final Clock clock;
  private final AtomicReference<Prepared> prepared = new AtomicReference<>();
  private final AtomicReference<ClientAuthorizer> authorizer = new AtomicReference<>();
  private final PathBuilder paths;
  private final VerifiedChains chains;

  /**
   * Creates a trust manager.
   *
   * @param source where roots come from, read per handshake
   * @param policy which peer trust domains are acceptable
   * @param clock the time certificates are checked at
   */
  public ConnectTrustManager(IdentitySource source, TrustDomainPolicy policy, Clock clock) {
    this(source, policy, clock, PathBuilder.PKIX, VerifiedChains.withDefaults());
  }

  /** As the public constructor, with the path builder and the cache of verified chains given. */
  ConnectTrustManager(
      IdentitySource source,
      TrustDomainPolicy policy,
      Clock clock,
      PathBuilder paths,
      VerifiedChains chains) {
    this.source = requireNonNull(source, "source");
    this.policy = requireNonNull(policy, "policy");
    this.clock = requireNonNull(clock, "clock");
    this.paths = requireNonNull(paths, "paths");
    this.chains = requireNonNull(chains, "chains");
  }

  /**
   * Installs the server-side authorization hook. Set it before the first accepted handshake; until
   * then no extra check runs.
   *
   * @throws IllegalStateException if an authorizer is already set
   */
  public void clientAuthorizer(ClientAuthorizer clientAuthorizer) {
    requireNonNull(clientAuthorizer, "clientAuthorizer");
    if (!authorizer.compareAndSet(null, clientAuthorizer)) {
      throw new IllegalStateException("a client authorizer is already set");
    }
  }

  /**
   * Returns a trust manager that runs every check of this one except the client authorization hook,
   * sharing its roots, policy, clock and verified-chain cache. For servers that authorize each
   * client after the handshake themselves, resumed sessions included: its checks never wait, so
   * they can run on an event loop.
   */
  public ConnectTrustManager withoutClientAuthorizer() {
    return new ConnectTrustManager(source, policy, clock, paths, chains);
  }

  /**
   * The revision of the identity snapshot in effect, or -1 before the first one; it changes with
   * every root or leaf rotation, which is what scopes resumable TLS sessions.
   */
  long revision() {
    return source.current().map(IdentitySnapshot::revision).orElse(-1L);
  }

  /** Returns the trust domain policy this manager applies. */
  public TrustDomainPolicy policy() {
    return policy;
  }

  /** Returns the clock certificates are checked at. */
  public Clock clock() {
    return clock;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, PeerRole.CLIENT, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, PeerRole.SERVER, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain, PeerRole.SERVER, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, PeerRole.SERVER, engine);
  }

  /** Returns the current roots, which a server names in its certificate request. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return source
        .current()
        .map(snapshot -> snapshot.trust().roots().toArray(NO_CERTIFICATES))
        .orElse(NO_CERTIFICATES);
  }

  /** Runs every check; anything unexpected still ends as a refusal, never as another exception. */
  private void verify(X509Certificate[] chain, PeerRole peer, Object handle)
      throws CertificateException {
    try {
      check(chain, peer, handle);
    } catch (RuntimeException e) {
      throw new CertificateException(
          "cannot verify the " + peer.role + " certificate: " + e.getMessage(), e);
    }
  }

  private void check(X509Certificate[] chain, PeerRole peer, Object handle)
      throws CertificateException {
    Optional<IdentitySnapshot> current = source.current();
    if (current.isEmpty()) {
      throw new CertificateException(
          "cannot verify the " + peer.role + ": no trust roots and leaf certificate yet");
    }
    TrustBundle trust = current.get().trust();
    if (chain == null || chain.length == 0) {
      throw new CertificateException(peer.role + " presented no certificate");
    }
    ServiceIdentity id = verified(chain, peer, prepare(trust), clock.instant());
    if (!policy.accepts(id.trustDomain(), trust)) {
      throw new CertificateException(
          peer.role
              + " presented "
              + id
              + " from trust domain "
              + id.trustDomain()
              + ", but policy "
              + policy
              + " accepts only "
              + acceptedDomains(trust));
    }
    if (peer == PeerRole.SERVER) {
      checkExpected(id, handle);
    } else {
      ClientAuthorizer hook = authorizer.get();
      if (hook != null) {
        hook.authorize(id, chain[0], handle);
      }
    }
  }

  /**
   * Returns the leaf's identity once the chain passed the static leaf checks, the leaf's validity
   * and the path: remembered for this exact chain and trust material, or checked afresh.
   */
  private ServiceIdentity verified(
      X509Certificate[] chain, PeerRole peer, Prepared ready, Instant now)
      throws CertificateException {
    VerifiedChains.Key key;
    try {
      key = chains.key(peer, ready.digest(), chain);
      VerifiedChains.Verified known = chains.lookup(key, chain[0], now);
      if (known != null) {
        return known.id();
      }
    } catch (CertificateEncodingException e) {
      throw new CertificateException(
          peer.role + " presented a certificate that cannot be encoded: " + e.getMessage(), e);
    }
    try {
      VerifiedChains.Verified fresh = verify(chain, peer, ready, now);
      chains.store(key, fresh);
      return fresh.id();
    } catch (CertificateException e) {
      chains.forget(key);
      throw e;
    }
  }

  private VerifiedChains.Verified verify(
      X509Certificate[] chain, PeerRole peer, Prepared ready, Instant now)
      throws CertificateException {
    X509Certificate leaf = chain[0];
    if (Certificates.isCa(leaf)) {
      throw new CertificateException(
          peer.role
              + " presented the CA certificate "
              + Certificates.describe(leaf)
              + " as its leaf");
    }
    checkExtendedKeyUsage(leaf, peer);
    ServiceIdentity id;
    try {
      id = Certificates.serviceIdentity(leaf);
    } catch (InvalidIdentityException e) {
      throw new CertificateException(
          peer.role + " presented an unacceptable leaf: " + e.getMessage(), e);
    }
    String presented = id + " (serial " + Certificates.serialHex(leaf.getSerialNumber()) + ")";
    checkValidity(leaf, peer, presented, now);
    return VerifiedChains.Verified.of(id, leaf, checkPath(chain, ready, peer, presented, now));
  }

  private static void checkExpected(ServiceIdentity id, Object handle) throws CertificateException {
    Optional<ServiceIdentity> expected = ExpectedPeers.expected(handle);
    if (expected.isEmpty()) {
      throw new CertificateException(
          "server presented "
              + id
              + " but no expected service identity is registered for this connection"
              + " (refusing: dial through the ConnectService so it knows which service you mean)");
    }
    if (!expected.get().sameServiceAs(id)) {
      throw new CertificateException(
          "server presented " + id + " but this connection expects " + expected.get());
    }
  }

  private static void checkExtendedKeyUsage(X509Certificate leaf, PeerRole peer)
      throws CertificateException {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new CertificateException(
          peer.role
              + " certificate "
              + Certificates.describe(leaf)
              + " has an unreadable extended key usage",
          e);
    }
    if (usages != null
        && !usages.contains(peer.usage)
        && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
      throw new CertificateException(
          peer.role
              + " certificate "
              + Certificates.describe(leaf)
              + " does not allow "
              + peer.usageName
              + " (extended key usage "
              + usages
              + ")");
    }
  }

  private static void checkValidity(
      X509Certificate leaf, PeerRole peer, String presented, Instant now)
      throws CertificateException {
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new CertificateException(
          peer.role
              + " certificate "
              + presented
              + " expired at "
              + leaf.getNotAfter().toInstant()
              + " (now "
              + now
              + ")",
          e);
    } catch (CertificateNotYetValidException e) {
      throw new CertificateException(
          peer.role
              + " certificate "
              + presented
              + " is not valid before "
              + leaf.getNotBefore().toInstant()
              + " (now "
              + now
              + ")",
          e);
    }
  }

  /** Returns the validated path, leaf first, without the trust anchor. */
  private List<? extends Certificate> checkPath(
      X509Certificate[] chain, Prepared ready, PeerRole peer, String presented, Instant now)
      throws CertificateException {
    TrustBundle trust = ready.bundle();
    X509CertSelector target = new X509CertSelector();
    target.setCertificate(chain[0]);
    List<Certificate> material = new ArrayList<>(Arrays.asList(chain));
    material.addAll(trust.intermediates());
    try {
      PKIXBuilderParameters params = new PKIXBuilderParameters(ready.anchors(), target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(material)));
      return paths.build(params);
    } catch (CertPathBuilderException e) {
      throw new CertificateException(
          peer.role
              + " certificate "
              + presented
              + " issued by \""
              + chain[0].getIssuerX500Principal().getName()
              + "\" does not chain to any of our "
              + trust.roots().size()
              + " trusted root(s) of "
              + trust.trustDomain()
              + ": "
              + e.getMessage(),
          e);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "cannot validate the " + peer.role + " certificate " + presented + ": " + e, e);
    }
  }

  private Prepared prepare(TrustBundle trust) throws CertificateException {
    Prepared ready = prepared.get();
    if (ready != null && ready.bundle() == trust) {
      return ready;
    }
    Set<TrustAnchor> anchors = new LinkedHashSet<>();
    for (X509Certificate root : trust.roots()) {
      anchors.add(new TrustAnchor(root, null));
    }
    try {
      ready = new Prepared(trust, Set.copyOf(anchors), chains.adopt(trust));
    } catch (CertificateEncodingException e) {
      throw new CertificateException(
          "cannot use the trust roots of " + trust.trustDomain() + ": " + e.getMessage(), e);
    }
    prepared.set(ready);
    return ready;
  }

  private String acceptedDomains(TrustBundle trust) {
    if (policy == TrustDomainPolicy.OWN_TRUST_DOMAIN) {
      return trust.trustDomain();
    }
    Set<String> domains = new LinkedHashSet<>();
    domains.add(trust.trustDomain());
    domains.addAll(trust.trustDomains());
    return String.join(", ", domains);
  }
}
