package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.testkit.IssuedLeaf;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Leaf certificates per service, renewed the way Consul's agent cache renews them.
 *
 * <p>A blocking query returns a new leaf at a random point between 60% and 90% of the current
 * leaf's lifetime, after a CA rotation once a random delay within the jitter window has passed, or
 * when a renewal is forced. A non-blocking query keeps answering the cached leaf (even one signed
 * by a root that is no longer active, as the real agent does) until it has expired.
 */
public final class Leaves {
  private static final Duration BACKDATE = Duration.ofMinutes(1);

  /** One cached leaf. */
  public static final class Entry {
    final String service;
    final IssuedLeaf leaf;
    final String certPem;
    final long createIndex;
    final long modifyIndex;
    final Instant fetchedAt;
    final Instant softExpiry;
    Instant rotationRenewAt;
    boolean served;

    Entry(
        String service,
        IssuedLeaf leaf,
        String certPem,
        long createIndex,
        long modifyIndex,
        Instant fetchedAt,
        Instant softExpiry) {
      this.service = service;
      this.leaf = leaf;
      this.certPem = certPem;
      this.createIndex = createIndex;
      this.modifyIndex = modifyIndex;
      this.fetchedAt = fetchedAt;
      this.softExpiry = softExpiry;
    }

    /** Returns when the agent fetched it (for the {@code Age} header). */
    public Instant fetchedAt() {
      return fetchedAt;
    }
  }

  private final AgentState state;
  private final CaState ca;
  private final String datacenter;
  private final Duration ttl;
  private final Duration jitter;
  private final Map<String, Entry> byService = new HashMap<>();

  /** Creates an empty leaf store. */
  public Leaves(AgentState state, CaState ca, String datacenter, Duration ttl, Duration jitter) {
    this.state = state;
    this.ca = ca;
    this.datacenter = datacenter;
    this.ttl = ttl;
    this.jitter = jitter;
  }

  /**
   * Answers a leaf query. {@code minIndex} 0 returns the cached leaf (or issues the first one);
   * otherwise waits for a renewal for at most {@code wait}. The boolean of the result tells whether
   * the answer came from the cache ({@code X-Cache: HIT}).
   */
  public AgentState.Indexed<Map.Entry<Entry, Boolean>> fetch(
      String service, long minIndex, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    state.lock().lock();
    try {
      Entry entry = byService.get(service);
      Instant now = state.clock().instant();
      if (entry == null || !now.isBefore(entry.leaf.certificate().getNotAfter().toInstant())) {
        entry = issue(service);
        return answer(entry, false);
      }
      if (minIndex <= 0 || minIndex < entry.modifyIndex) {
        boolean hit = entry.served;
        entry.served = true;
        return answer(entry, hit);
      }
      while (true) {
        now = state.clock().instant();
        Instant due = renewalDue(entry);
        if (!now.isBefore(due)) {
          entry = issue(service);
          return answer(entry, false);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || state.isStopping()) {
          return answer(entry, false);
        }
        long untilDue = Duration.between(now, due).toNanos();
        state.awaitChange(Math.min(left, Math.max(untilDue, 1)));
        Entry latest = byService.get(service);
        if (latest != null && latest.modifyIndex > minIndex) {
          latest.served = true;
          return answer(latest, false);
        }
      }
    } finally {
      state.lock().unlock();
    }
  }

  /** Makes the next blocking query for {@code service} return a fresh leaf now. */
  public void forceRenewal(String service) {
    state.lock().lock();
    try {
      Entry entry = byService.get(service);
      if (entry != null) {
        issue(service);
      }
    } finally {
      state.lock().unlock();
    }
  }

  /**
   * Schedules every cached leaf for renewal within the jitter window after a root change; the
   * caller holds the lock.
   */
  public void rootsChanged() {
    Instant now = state.clock().instant();
    for (Entry entry : byService.values()) {
      entry.rotationRenewAt = now.plusNanos(state.randomBelow(jitter.toNanos()));
    }
    state.changed();
  }

  private Instant renewalDue(Entry entry) {
    Instant due = entry.softExpiry;
    if (entry.rotationRenewAt != null && entry.rotationRenewAt.isBefore(due)) {
      due = entry.rotationRenewAt;
    }
    return due;
  }

  private Entry issue(String service) {
    CaState.Root root = ca.active();
    Instant now = state.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Duration backdate = ttl.compareTo(Duration.ofMinutes(10)) < 0 ? ttl.dividedBy(10) : BACKDATE;
    Instant notBefore = now.minus(backdate);
    IssuedLeaf leaf =
        root.ca()
            .leafBuilder(service)
            .datacenter(datacenter)
            .validity(notBefore, notBefore.plus(ttl))
            .issue();
    StringBuilder pem = new StringBuilder(leaf.certificatePem());
    for (X509Certificate intermediate : root.intermediates) {
      pem.append(Pem.certificate(intermediate));
    }
    long index = state.nextIndex();
    Duration lifetime = Duration.between(now, notBefore.plus(ttl));
    double fraction = 0.6 + 0.3 * state.randomFraction();
    Instant softExpiry = now.plusNanos((long) (lifetime.toNanos() * fraction));
    Entry entry =
        new Entry(service, leaf, pem.toString(), index, index, state.clock().instant(), softExpiry);
    entry.served = true;
    byService.put(service, entry);
    state.changed();
    return entry;
  }

  private AgentState.Indexed<Map.Entry<Entry, Boolean>> answer(Entry entry, boolean hit) {
    return new AgentState.Indexed<>(entry.modifyIndex, Map.entry(entry, hit));
  }

  /** Renders a leaf as {@code /v1/agent/connect/ca/leaf/<service>} does. */
  public static ObjectNode json(Entry entry) {
    ObjectNode out = Json.object();
    X509Certificate cert = entry.leaf.certificate();
    out.put("SerialNumber", entry.leaf.serialNumber());
    out.put("CertPEM", entry.certPem);
    out.put("PrivateKeyPEM", entry.leaf.privateKeyPem());
    out.put("Service", entry.service);
    out.put("ServiceURI", entry.leaf.uri());
    out.put("ValidAfter", CaState.rfc3339(cert.getNotBefore().toInstant()));
    out.put("ValidBefore", CaState.rfc3339(cert.getNotAfter().toInstant()));
    out.put("CreateIndex", entry.createIndex);
    out.put("ModifyIndex", entry.modifyIndex);
    return out;
  }
}
