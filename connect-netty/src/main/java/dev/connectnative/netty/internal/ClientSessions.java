package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.NotReadyException;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scopes the cached client sessions of one OpenSSL context to the service's identity revision,
 * which changes with every root or leaf rotation: before each new connection, {@link
 * #beforeHandshake()} compares the revision with the one the sessions were made under and, when it
 * moved, empties the cache, so no session made before a rotation is offered after it.
 *
 * <p>A handshake already under way when the revision moves may still store its session afterwards;
 * every connection is checked again after its handshake, and a connectnative server has replaced
 * its ticket key by then, so such a session gets a full handshake. The check costs one volatile
 * read per connection. Thread-safe.
 */
public final class ClientSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSessions.class);
  private static final long NONE = Long.MIN_VALUE;

  private final ConnectService service;
  private final OpenSslSessionContext sessions;
  private volatile long revision = NONE;

  private ClientSessions(ConnectService service, OpenSslSessionContext sessions) {
    this.service = requireNonNull(service, "service");
    this.sessions = sessions;
  }

  /**
   * Session scoping for a resuming client context, or {@code null} if the context is not OpenSSL
   * (the JDK contexts resume nothing).
   */
  public static ClientSessions of(ConnectService service, SslContext context) {
    return context.sessionContext() instanceof OpenSslSessionContext openSsl
        ? new ClientSessions(service, openSsl)
        : null;
  }

  /**
   * Drops the sessions made under an earlier identity revision, if the revision moved since the
   * last call. Does nothing while the service is not ready (no handshake can succeed then anyway).
   */
  public void beforeHandshake() {
    long current;
    try {
      current = service.identity().revision();
    } catch (NotReadyException e) {
      return;
    }
    if (current != revision) {
      forget(current);
    }
  }

  private synchronized void forget(long current) {
    if (current == revision) {
      return;
    }
    boolean first = revision == NONE;
    sessions.setSessionCacheEnabled(false);
    sessions.setSessionCacheEnabled(true);
    revision = current;
    if (!first) {
      LOG.info(
          "identity revision {}: dropped the cached TLS client sessions of \"{}\"",
          current,
          service.name());
    }
  }
}
