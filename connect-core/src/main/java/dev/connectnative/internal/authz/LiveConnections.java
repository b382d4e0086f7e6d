package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.Authorizer;
import dev.connectnative.internal.net.ConnectEvents;
import dev.connectnative.internal.net.SafeEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a service accepted and authorized, held weakly by identity, so that they can all
 * be asked about again when the intentions change ({@link #reauthorizeAll}). A connection
 * deregisters itself when it closes; one that is garbage-collected disappears on its own.
 * Thread-safe.
 */
public final class LiveConnections {
  private static final Logger LOG = LoggerFactory.getLogger(LiveConnections.class);

  // Maintenance (clearing collected keys) runs on the calling thread: each accepted connection
  // writes here, and the default executor would wake a pool thread for every write.
  private final Cache<LiveConnection, Boolean> live =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();
  private final ConnectEvents events;

  /** Creates a registry reporting revocations to {@code events}. */
  public LiveConnections(ConnectEvents events) {
    this.events = SafeEvents.of(requireNonNull(events, "events"));
  }

  /** Tracks {@code connection} until {@link #remove} or until it is garbage-collected. */
  public void add(LiveConnection connection) {
    live.put(requireNonNull(connection, "connection"), Boolean.TRUE);
  }

  /** Stops tracking {@code connection}; nothing happens if it is not tracked. */
  public void remove(LiveConnection connection) {
    live.invalidate(requireNonNull(connection, "connection"));
  }

  /** The number of connections tracked now. */
  public int size() {
    live.cleanUp();
    return live.asMap().size();
  }

  /**
   * Asks {@code authorizer} again about every tracked connection and revokes each one that is now
   * denied or that cannot be decided (fail closed).
   *
   * @param authorizer normally the service's caching authorizer, just invalidated
   * @return a future completed when every answer has been applied, with the number revoked
   */
  public CompletableFuture<Integer> reauthorizeAll(Authorizer authorizer) {
    requireNonNull(authorizer, "authorizer");
    List<LiveConnection> snapshot = new ArrayList<>(live.asMap().keySet());
    List<CompletableFuture<Boolean>> checks = new ArrayList<>(snapshot.size());
    for (LiveConnection connection : snapshot) {
      checks.add(reauthorize(authorizer, connection));
    }
    return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
        .thenApply(ignored -> (int) checks.stream().filter(CompletableFuture::join).count());
  }

  private CompletableFuture<Boolean> reauthorize(Authorizer authorizer, LiveConnection connection) {
    CompletableFuture<AuthorizationDecision> decision;
    try {
      decision = authorizer.authorize(connection.authorization());
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    return decision.handle(
        (d, error) -> {
          if (error == null && d.allowed()) {
            return false;
          }
          String why = error == null ? d.reason() : unwrap(error).getMessage();
          String reason =
              "client "
                  + connection.authorization().client()
                  + " is no longer allowed to connect to "
                  + connection.authorization().target()
                  + ": "
                  + why;
          LOG.info("closing a live connection: {}", reason);
          remove(connection);
          try {
            connection.revoke(reason);
          } catch (RuntimeException e) {
            LOG.warn("closing a revoked connection failed", e);
          }
          events.connectionRevoked(
              connection.authorization().target(), connection.authorization().client(), reason);
          return true;
        });
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
