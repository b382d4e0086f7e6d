package dev.connectnative.internal.identity;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import dev.connectnative.ConnectException;
import dev.connectnative.IdentityListener;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.IdentityStatus;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.LeafCertificate;
import dev.connectnative.TrustBundle;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.internal.agent.CaRoot;
import dev.connectnative.internal.agent.CaRoots;
import dev.connectnative.internal.agent.LeafCert;
import dev.connectnative.internal.agent.WatchListener;
import dev.connectnative.internal.pem.Pem;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of one service as the local Consul agent hands it out: a blocking watch on {@code
 * /v1/agent/connect/ca/roots} and one on {@code /v1/agent/connect/ca/leaf/<service>}, merged into
 * one immutable {@link IdentitySnapshot} (one volatile write per change, revision + 1).
 *
 * <p>Every root of {@code Roots[]} is trusted, with their {@code IntermediateCerts} as extra path
 * material. An answer that cannot be used (malformed PEM, key not matching the certificate, no
 * active root, a leaf for another service) keeps the previous snapshot and is reported through
 * {@link #status()}.
 *
 * <p><b>Errors are pushed.</b> The first failure of either watch, and each later failure of another
 * kind (class and message), is pushed to {@link IdentityListener#onError} as it happens; once both
 * watches succeed again, {@link IdentityListener#onRecovered()} follows. Retries of the same
 * failure are not reported again (the watches log the first at WARN and the retries at DEBUG).
 *
 * <p><b>Stale leaves.</b> After a CA rotation the agent may keep serving a leaf signed by the old
 * root for a long time (Consul 1.10 can hold a blocking leaf query on a 10-minute fetch that began
 * before the rotation). When the active root changes and the current leaf's authority key
 * identifier is not the active root's {@code SigningKeyID}, the leaf query in flight is abandoned
 * and a new one is sent at once, and again every {@code staleLeafRetry} while the leaf stays stale.
 * A leaf in the last tenth of its lifetime that the agent has not replaced is asked for again the
 * same way.
 *
 * <p>Listeners are called on the source's scheduler thread, one change at a time (a listener added
 * while the source is failing is told the failure at once, on the adding thread). {@link #close()}
 * stops both watches and the scheduler it owns; it is idempotent.
 */
public final class AgentIdentitySource implements IdentitySource {
  private static final Logger LOG = LoggerFactory.getLogger(AgentIdentitySource.class);
  private static final String AKI_OID = "2.5.29.35";

  private final String service;
  private final Clock clock;
  private final Duration staleLeafRetry;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final BlockingWatch<CaRoots> rootsWatch;
  private final BlockingWatch<LeafCert> leafWatch;
  private final List<IdentityListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private TrustBundle trust;
  private CaRoots roots;
  private LeafCertificate leaf;
  private long revision = -1;
  private ScheduledFuture<?> leafCheck;
  private ConnectException rootsError;
  private ConnectException leafError;
  private boolean staleLogged;
  private String reportedKind;
  private boolean expiryLogged;

  private volatile IdentitySnapshot snapshot;
  private volatile boolean closed;

  private AgentIdentitySource(Builder b) {
    this.service = b.service;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.staleLeafRetry = b.staleLeafRetry == null ? Duration.ofSeconds(30) : b.staleLeafRetry;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      String threadName = "connect-" + service + "-identity";
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      this.ownsScheduler = true;
    }
    AgentClient client = b.client;
    this.rootsWatch =
        configure(BlockingWatch.builder("roots", client::rootsCall), b)
            .listener(new RootsListener())
            .build();
    this.leafWatch =
        configure(BlockingWatch.builder("leaf-" + service, o -> client.leafCall(service, o)), b)
            .listener(new LeafListener())
            .build();
  }

  private <T> BlockingWatch.Builder<T> configure(BlockingWatch.Builder<T> w, Builder b) {
    w.scheduler(scheduler).clock(clock);
    if (b.random != null) {
      w.random(b.random);
    }
    if (b.maxWait != null) {
      w.maxWait(b.maxWait);
    }
    if (b.minInterval != null) {
      w.minInterval(b.minInterval);
    }
    if (b.backoffBase != null) {
      w.backoffBase(b.backoffBase);
    }
    if (b.backoffCap != null) {
      w.backoffCap(b.backoffCap);
    }
    if (b.permissionDeniedRetry != null) {
      w.permissionDeniedRetry(b.permissionDeniedRetry);
    }
    return w;
  }

  /**
   * Starts building a source for {@code service}.
   *
   * @param client the agent client (not closed by the source)
   * @param service the service whose leaf to follow, as registered
   * @return the builder
   */
  public static Builder builder(AgentClient client, String service) {
    return new Builder(client, service);
  }

  /** The service this source follows. */
  public String service() {
    return service;
  }

  @Override
  public Optional<IdentitySnapshot> current() {
    return Optional.ofNullable(snapshot);
  }

  @Override
  public void addListener(IdentityListener listener) {
    requireNonNull(listener, "listener");
    synchronized (lock) {
      listeners.add(listener);
      if (reportedKind != null) {
        tellError(listener, currentError());
      }
    }
  }

  @Override
  public IdentityStatus status() {
    synchronized (lock) {
      return new IdentityStatus(trust != null, leaf != null, Optional.ofNullable(currentError()));
    }
  }

  /** State of the roots watch, e.g. {@code PERMISSION_DENIED}. */
  public BlockingWatch.State rootsState() {
    return rootsWatch.state();
  }

  /** State of the leaf watch, e.g. {@code PERMISSION_DENIED}. */
  public BlockingWatch.State leafState() {
    return leafWatch.state();
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (leafCheck != null) {
        leafCheck.cancel(false);
      }
    }
    rootsWatch.close();
    leafWatch.close();
    listeners.clear();
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private AgentIdentitySource start() {
    rootsWatch.start();
    leafWatch.start();
    return this;
  }

  // ---- roots ----------------------------------------------------------------------------------

  private final class RootsListener implements WatchListener<CaRoots> {
    @Override
    public void onChange(CaRoots value, long index) {
      onRoots(value);
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      synchronized (lock) {
        rootsError = error;
        errorsChanged();
      }
    }

    @Override
    public void onRecovered(int failures) {
      synchronized (lock) {
        if (rootsError instanceof AgentException) {
          rootsError = null;
          errorsChanged();
        }
      }
    }
  }

  private void onRoots(CaRoots value) {
    TrustBundle bundle;
    try {
      bundle = trustBundle(value);
    } catch (InvalidIdentityException e) {
      LOG.warn("ignoring CA roots from the agent, keeping the previous ones: {}", e.getMessage());
      synchronized (lock) {
        rootsError = e;
        errorsChanged();
      }
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      rootsError = null;
      errorsChanged();
      String previousActive = roots == null ? null : roots.activeRootId();
      roots = value;
      trust = bundle;
      LOG.info(
          "roots changed: active={}, roots={}, trustDomain={}",
          value.activeRootId(),
          value.roots().size(),
          value.trustDomain());
      publish();
      if (previousActive != null && !previousActive.equals(value.activeRootId())) {
        staleLogged = false;
      }
      checkLeaf();
    }
  }

  private static TrustBundle trustBundle(CaRoots value) {
    CaRoot active =
        value
            .activeRoot()
            .orElseThrow(
                () ->
                    new InvalidIdentityException(
                        "no active root: ActiveRootID \""
                            + value.activeRootId()
                            + "\" is not among the "
                            + value.roots().size()
                            + " roots"));
    List<X509Certificate> rootCerts = new ArrayList<>();
    List<X509Certificate> intermediates = new ArrayList<>();
    X509Certificate activeCert = null;
    for (CaRoot root : value.roots()) {
      List<X509Certificate> certs = Pem.certificates(root.rootCertPem(), "root " + root.id());
      rootCerts.add(certs.get(0));
      intermediates.addAll(certs.subList(1, certs.size()));
      if (root == active) {
        activeCert = certs.get(0);
      }
      for (String pem : root.intermediateCertsPem()) {
        intermediates.addAll(Pem.certificates(pem, "intermediate of root " + root.id()));
      }
    }
    return new TrustBundle(value.trustDomain(), rootCerts, intermediates, activeCert);
  }

  // ---- leaf -----------------------------------------------------------------------------------

  private final class LeafListener implements WatchListener<LeafCert> {
    @Override
    public void onChange(LeafCert value, long index) {
      onLeaf(value);
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      synchronized (lock) {
        leafError = error;
        errorsChanged();
      }
    }

    @Override
    public void onRecovered(int failures) {
      synchronized (lock) {
        if (leafError instanceof AgentException) {
          leafError = null;
          errorsChanged();
        }
      }
    }
  }

  private void onLeaf(LeafCert value) {
    LeafCertificate parsed;
    try {
      parsed = LeafCertificate.fromPem(value.certPem(), value.privateKeyPem());
      if (!parsed.id().service().equals(service)) {
        throw new InvalidIdentityException(
            "the agent answered a leaf for "
                + parsed.id()
                + " when asked for service \""
                + service
                + "\"");
      }
    } catch (InvalidIdentityException e) {
      LOG.warn(
          "ignoring leaf certificate for service \"{}\" from the agent, keeping the previous one:"
              + " {}",
          service,
          e.getMessage());
      synchronized (lock) {
        leafError = e;
        errorsChanged();
      }
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      leafError = null;
      errorsChanged();
      LeafCertificate previous = leaf;
      leaf = parsed;
      expiryLogged = false;
      LOG.info(
          "leaf {}: service={}, serial={}, notAfter={}",
          previous == null ? "received" : "rotated",
          service,
          parsed.serialNumber(),
          parsed.notAfter());
      publish();
      checkLeaf();
    }
  }

  // ---- stale and expiring leaves ----------------------------------------------------------------

  /** Decides whether the leaf must be asked for again now or later. Holds {@code lock}. */
  private void checkLeaf() {
    if (leafCheck != null) {
      leafCheck.cancel(false);
      leafCheck = null;
    }
    if (closed || leaf == null) {
      return;
    }
    Instant now = clock.instant();
    Optional<String> stale = staleReason();
    if (stale.isPresent()) {
      if (!staleLogged) {
        LOG.info(
            "leaf serial={} {}; asking the agent for a new leaf now",
            leaf.serialNumber(),
            stale.get());
        staleLogged = true;
      } else {
        LOG.debug("leaf serial={} still {}; asking again", leaf.serialNumber(), stale.get());
      }
      refreshLeaf();
      scheduleLeafCheck(staleLeafRetry);
      return;
    }
    X509Certificate cert = leaf.certificate();
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = leaf.notAfter();
    Instant renewBy = notAfter.minus(Duration.between(notBefore, notAfter).dividedBy(10));
    if (!now.isBefore(renewBy)) {
      if (!expiryLogged) {
        LOG.warn(
            "leaf serial={} expires at {} and the agent has not renewed it; asking again",
            leaf.serialNumber(),
            notAfter);
        expiryLogged = true;
      } else {
        LOG.debug("leaf serial={} still not renewed; asking again", leaf.serialNumber());
      }
      refreshLeaf();
      scheduleLeafCheck(staleLeafRetry);
    } else {
      scheduleLeafCheck(Duration.between(now, renewBy));
    }
  }

  /**
   * Why the leaf is older than the active root, if it is: its AKI names another root of {@code
   * Roots[]} (or, without AKI, its issuer is not the active root). A leaf whose AKI names no known
   * root is newer than our roots, which will follow on their own.
   */
  private Optional<String> staleReason() {
    if (roots == null || trust == null) {
      return Optional.empty();
    }
    CaRoot active = roots.activeRoot().orElse(null);
    if (active == null) {
      return Optional.empty();
    }
    X509Certificate cert = leaf.certificate();
    Optional<String> aki = authorityKeyId(cert);
    if (aki.isPresent() && !active.signingKeyId().isEmpty()) {
      if (aki.get().equalsIgnoreCase(active.signingKeyId())) {
        return Optional.empty();
      }
      return roots.roots().stream()
          .filter(r -> aki.get().equalsIgnoreCase(r.signingKeyId()))
          .findFirst()
          .map(old -> "was signed by root " + old.id() + ", not by the active root " + active.id());
    }
    boolean byActive =
        cert.getIssuerX500Principal().equals(trust.activeRoot().getSubjectX500Principal());
    boolean byOtherRoot =
        trust.roots().stream()
            .anyMatch(r -> r.getSubjectX500Principal().equals(cert.getIssuerX500Principal()));
    return byActive || !byOtherRoot
        ? Optional.empty()
        : Optional.of("was issued by a previous root, not by the active root " + active.id());
  }

  /**
   * Asks the leaf watch for a fresh query from the scheduler, not from here: this runs under {@code
   * lock}, and the watch calls us under its own monitor.
   */
  private void refreshLeaf() {
    try {
      scheduler.execute(leafWatch::refresh);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.warn("leaf refresh for service \"{}\" could not be scheduled", service);
      }
    }
  }

  private void scheduleLeafCheck(Duration delay) {
    try {
      leafCheck =
          scheduler.schedule(
              () -> {
                synchronized (lock) {
                  checkLeaf();
                }
              },
              Math.max(0, delay.toMillis()),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        LOG.warn("leaf check for service \"{}\" could not be scheduled", service);
      }
    }
  }

  static Optional<String> authorityKeyId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(AKI_OID);
    if (ext == null) {
      return Optional.empty();
    }
    try {
      byte[] keyId =
          AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext))
              .getKeyIdentifier();
      return keyId == null
          ? Optional.empty()
          : Optional.of(HexFormat.ofDelimiter(":").formatHex(keyId));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  // ---- errors -----------------------------------------------------------------------------------

  /**
   * The error in effect: the leaf's first, as it is what handshakes miss most. Holds {@code lock}.
   */
  private ConnectException currentError() {
    return leafError != null ? leafError : rootsError;
  }

  /**
   * Tells the listeners when the error in effect is of a new kind, or gone. Holds {@code lock}, so
   * listeners see errors and recoveries in order and {@link #addListener} cannot miss one.
   */
  private void errorsChanged() {
    if (closed) {
      return;
    }
    ConnectException error = currentError();
    if (error == null) {
      if (reportedKind != null) {
        reportedKind = null;
        for (IdentityListener listener : listeners) {
          try {
            listener.onRecovered();
          } catch (RuntimeException e) {
            LOG.warn("identity listener {} failed on recovery", listener, e);
          }
        }
      }
      return;
    }
    String kind = error.getClass().getName() + ": " + error.getMessage();
    if (kind.equals(reportedKind)) {
      return;
    }
    reportedKind = kind;
    for (IdentityListener listener : listeners) {
      tellError(listener, error);
    }
  }

  private static void tellError(IdentityListener listener, ConnectException error) {
    try {
      listener.onError(error);
    } catch (RuntimeException e) {
      LOG.warn("identity listener {} failed on error", listener, e);
    }
  }

  // ---- publication ------------------------------------------------------------------------------

  /** Publishes roots + leaf as the next snapshot. Holds {@code lock}. */
  private void publish() {
    if (trust == null || leaf == null) {
      return;
    }
    IdentitySnapshot previous = snapshot;
    revision++;
    IdentitySnapshot next = new IdentitySnapshot(trust, leaf, revision);
    snapshot = next;
    for (IdentityListener listener : listeners) {
      try {
        listener.onIdentityChanged(Optional.ofNullable(previous), next);
      } catch (RuntimeException e) {
        LOG.warn("identity listener {} failed", listener, e);
      }
    }
  }

  /** Builds and starts an {@link AgentIdentitySource}. Each setting may be set once. */
  public static final class Builder {
    private final AgentClient client;
    private final String service;
    private ScheduledExecutorService scheduler;
    private Clock clock;
    private Random random;
    private Duration maxWait;
    private Duration minInterval;
    private Duration backoffBase;
    private Duration backoffCap;
    private Duration permissionDeniedRetry;
    private Duration staleLeafRetry;

    private Builder(AgentClient client, String service) {
      this.client = requireNonNull(client, "client");
      this.service = requireNonNull(service, "service");
      if (service.isEmpty()) {
        throw new IllegalArgumentException("service must not be empty");
      }
    }

    /** A shared scheduler, never shut down by the source. If unset, one daemon thread. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = once(this.scheduler, scheduler, "scheduler");
      return this;
    }

    /** Time source for expiry checks and rate limits. If unset, the system clock. */
    public Builder clock(Clock clock) {
      this.clock = once(this.clock, clock, "clock");
      return this;
    }

    /** Randomness for backoff jitter. If unset, a new {@link Random}. */
    public Builder random(Random random) {
      this.random = once(this.random, random, "random");
      return this;
    }

    /** {@code wait} of the blocking queries. If unset, 5 minutes. */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = once(this.maxWait, maxWait, "maxWait");
      return this;
    }

    /** Least time between two queries of one watch. If unset, 1 second. */
    public Builder minInterval(Duration minInterval) {
      this.minInterval = once(this.minInterval, minInterval, "minInterval");
      return this;
    }

    /** First backoff ceiling after an error. If unset, 1 second. */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = once(this.backoffBase, backoffBase, "backoffBase");
      return this;
    }

    /** Largest backoff ceiling. If unset, 30 seconds. */
    public Builder backoffCap(Duration backoffCap) {
      this.backoffCap = once(this.backoffCap, backoffCap, "backoffCap");
      return this;
    }

    /** Retry interval while the agent answers 403. If unset, 30 seconds. */
    public Builder permissionDeniedRetry(Duration retry) {
      this.permissionDeniedRetry = once(this.permissionDeniedRetry, retry, "permissionDeniedRetry");
      return this;
    }

    /** How often to ask again while the agent serves a stale or expiring leaf. If unset, 30 s. */
    public Builder staleLeafRetry(Duration retry) {
      this.staleLeafRetry = once(this.staleLeafRetry, retry, "staleLeafRetry");
      return this;
    }

    /**
     * Builds the source and starts both watches; returns at once.
     *
     * @return the running source
     */
    public AgentIdentitySource start() {
      return new AgentIdentitySource(this).start();
    }

    private static <V> V once(V current, V value, String what) {
      requireNonNull(value, what);
      if (current != null) {
        throw new IllegalStateException(what + " was already set");
      }
      return value;
    }
  }
}
