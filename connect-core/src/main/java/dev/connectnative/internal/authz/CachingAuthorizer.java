package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import dev.connectnative.internal.net.ConnectEvents;
import dev.connectnative.internal.net.SafeEvents;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches the decisions of another {@link Authorizer} (normally the {@link AgentAuthorizer}).
 *
 * <p>The key is the whole request: target, client URI and certificate serial. Positive decisions
 * live {@link Builder#allowTtl} (default 10 s), negative ones {@link Builder#denyTtl} (default 2
 * s). Concurrent misses for one key share a single delegate call. A delegate failure is never
 * cached and fails closed: the returned future completes exceptionally with a {@link
 * ConnectException} naming the client and the target. An opt-in grace ({@link Builder#grace},
 * default off) answers a failure with the last positive decision for the same key if it was made
 * within the grace period, so that a short agent outage does not refuse clients that were allowed a
 * moment ago. {@link #invalidateAll()} forgets everything, grace included. Thread-safe.
 */
public final class CachingAuthorizer implements Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(CachingAuthorizer.class);

  /** Default lifetime of a positive decision. */
  public static final Duration DEFAULT_ALLOW_TTL = Duration.ofSeconds(10);

  /** Default lifetime of a negative decision. */
  public static final Duration DEFAULT_DENY_TTL = Duration.ofSeconds(2);

  /** Default bound on the number of cached decisions. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** A cached decision; {@code fromGrace} marks one reused during an outage. */
  private record Entry(AuthorizationDecision decision, boolean fromGrace) {}

  private final Authorizer delegate;
  private final Duration allowTtl;
  private final Duration denyTtl;
  private final Duration grace;
  private final ConnectEvents events;
  private final AsyncLoadingCache<AuthorizationRequest, Entry> cache;
  private final Cache<AuthorizationRequest, AuthorizationDecision> recentAllowed;

  private CachingAuthorizer(Builder b) {
    this.delegate = b.delegate;
    this.allowTtl = b.allowTtl == null ? DEFAULT_ALLOW_TTL : b.allowTtl;
    this.denyTtl = b.denyTtl == null ? DEFAULT_DENY_TTL : b.denyTtl;
    this.grace = b.grace == null ? Duration.ZERO : b.grace;
    this.events = b.events == null ? ConnectEvents.NONE : SafeEvents.of(b.events);
    Ticker ticker = b.ticker == null ? Ticker.systemTicker() : b.ticker;
    Executor executor = b.executor == null ? Runnable::run : b.executor;
    long maximumSize = b.maximumSize == null ? DEFAULT_MAXIMUM_SIZE : b.maximumSize;
    this.cache =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(executor)
            .maximumSize(maximumSize)
            .expireAfter(new DecisionExpiry())
            .buildAsync((request, ignored) -> load(request));
    this.recentAllowed =
        grace.isZero()
            ? null
            : Caffeine.newBuilder()
                .ticker(ticker)
                .executor(executor)
                .maximumSize(maximumSize)
                .expireAfterWrite(allowTtl.plus(grace))
                .build();
  }

  /**
   * Starts building a cache over {@code delegate}.
   *
   * @param delegate the authorizer asked on a miss
   * @return the builder
   */
  public static Builder builder(Authorizer delegate) {
    return new Builder(delegate);
  }

  @Override
  public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
    requireNonNull(request, "request");
    CompletableFuture<Entry> cached = cache.getIfPresent(request);
    if (cached != null) {
      events.authorizationCacheHit(request);
    } else {
      events.authorizationCacheMiss(request);
      cached = cache.get(request);
    }
    return cached.thenApply(Entry::decision);
  }

  @Override
  public void invalidateAll() {
    cache.synchronous().invalidateAll();
    if (recentAllowed != null) {
      recentAllowed.invalidateAll();
    }
  }

  /**
   * Tells whether {@link #authorize} returns without waiting on the calling thread: true when the
   * delegate asked on a miss does not wait either (a hit never waits).
   */
  public boolean neverBlocks() {
    return delegate instanceof AgentAuthorizer;
  }

  /** The number of decisions cached now (approximate, for tests and metrics). */
  public long size() {
    return cache.synchronous().estimatedSize();
  }

  private CompletableFuture<Entry> load(AuthorizationRequest request) {
    CompletableFuture<AuthorizationDecision> asked;
    try {
      asked = delegate.authorize(request);
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    return asked.handle(
        (decision, error) -> {
          if (error == null && decision != null) {
            if (decision.allowed() && recentAllowed != null) {
              recentAllowed.put(request, decision);
            }
            return new Entry(decision, false);
          }
          Throwable cause = unwrap(error);
          AuthorizationDecision recent =
              recentAllowed == null ? null : recentAllowed.getIfPresent(request);
          if (recent != null) {
            LOG.warn(
                "cannot authorize {} to {} ({}); reusing a positive decision within the grace of {}",
                request.client(),
                request.target(),
                cause == null ? "no decision" : cause.getMessage(),
                grace);
            return new Entry(
                AuthorizationDecision.allow(
                    "agent unavailable, reusing a recent decision: " + recent.reason()),
                true);
          }
          events.authorizationFailed(request, cause);
          throw new CompletionException(
              new ConnectException(
                  "cannot authorize "
                      + request.client()
                      + " to connect to \""
                      + request.target()
                      + "\" (refusing): "
                      + (cause == null ? "the authorizer gave no decision" : cause.getMessage()),
                  cause));
        });
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "CachingAuthorizer[allowTtl="
        + allowTtl
        + ", denyTtl="
        + denyTtl
        + ", grace="
        + grace
        + ", delegate="
        + delegate
        + "]";
  }

  /** Positive decisions live longer than negative ones; grace decisions as long as negative. */
  private final class DecisionExpiry implements Expiry<AuthorizationRequest, Entry> {
    @Override
    public long expireAfterCreate(AuthorizationRequest key, Entry value, long currentTime) {
      boolean longLived = value.decision().allowed() && !value.fromGrace();
      return (longLived ? allowTtl : denyTtl).toNanos();
    }

    @Override
    public long expireAfterUpdate(
        AuthorizationRequest key, Entry value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(
        AuthorizationRequest key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  /** Builds a {@link CachingAuthorizer}. Each setting may be made once. */
  public static final class Builder {
    private final Authorizer delegate;
    private Duration allowTtl;
    private Duration denyTtl;
    private Duration grace;
    private Long maximumSize;
    private Ticker ticker;
    private Executor executor;
    private ConnectEvents events;

    private Builder(Authorizer delegate) {
      this.delegate = requireNonNull(delegate, "delegate");
    }

    /** How long a positive decision is reused. If unset, {@link #DEFAULT_ALLOW_TTL}. */
    public Builder allowTtl(Duration allowTtl) {
      this.allowTtl = once(this.allowTtl, positive(allowTtl, "allowTtl"), "allowTtl");
      return this;
    }

    /** How long a negative decision is reused. If unset, {@link #DEFAULT_DENY_TTL}. */
    public Builder denyTtl(Duration denyTtl) {
      this.denyTtl = once(this.denyTtl, positive(denyTtl, "denyTtl"), "denyTtl");
      return this;
    }

    /**
     * How long after it expired a positive decision may still answer for a failing delegate. If
     * unset, zero: no grace, every failure refuses.
     */
    public Builder grace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative: " + grace);
      }
      this.grace = once(this.grace, grace, "grace");
      return this;
    }

    /** Bound on cached decisions. If unset, {@link #DEFAULT_MAXIMUM_SIZE}. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException("maximumSize must be positive: " + maximumSize);
      }
      this.maximumSize = once(this.maximumSize, maximumSize, "maximumSize");
      return this;
    }

    /** The time source of expiry. If unset, the system ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = once(this.ticker, ticker, "ticker");
      return this;
    }

    /**
     * Runs cache maintenance. If unset, the thread that touched the cache runs it (a few
     * microseconds, now and then), so a lookup never wakes another thread.
     */
    public Builder executor(Executor executor) {
      this.executor = once(this.executor, executor, "executor");
      return this;
    }

    /** Receives cache hits, misses and failures. If unset, none. */
    public Builder events(ConnectEvents events) {
      this.events = once(this.events, events, "events");
      return this;
    }

    /** Builds the authorizer. */
    public CachingAuthorizer build() {
      return new CachingAuthorizer(this);
    }

    private static <T> T once(T current, T value, String name) {
      requireNonNull(value, name);
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
      return value;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
