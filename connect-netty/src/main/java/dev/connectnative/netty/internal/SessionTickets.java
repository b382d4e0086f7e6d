package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.NotReadyException;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scopes the TLS sessions of one OpenSSL context to the service's identity revision, which changes
 * with every root or leaf rotation: before each new connection, {@link #beforeHandshake()} compares
 * the revision with the one the sessions were made under and, when it moved, ends them all. A
 * server context gets a fresh random ticket key (tickets issued before cannot be decrypted, so
 * their clients make a full handshake that checks the new roots); a client context empties its
 * session cache. The first call of a server sets its first key, so every ticket it ever accepts was
 * issued under a key it chose.
 *
 * <p>A handshake already under way when the revision moves may still store its session afterwards;
 * every connection is checked again after its handshake, so such a session is still verified. The
 * check costs one volatile read per connection. Thread-safe.
 */
public final class SessionTickets {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTickets.class);
  private static final long NONE = Long.MIN_VALUE;

  private final ConnectService service;
  private final String description;
  private final Consumer<OpenSslSessionContext> restart;
  private final OpenSslSessionContext sessions;
  private volatile long revision = NONE;

  private SessionTickets(
      ConnectService service,
      SslContext context,
      String description,
      Consumer<OpenSslSessionContext> restart) {
    this.service = requireNonNull(service, "service");
    this.description = description;
    this.restart = restart;
    this.sessions = (OpenSslSessionContext) context.sessionContext();
  }

  /**
   * Session scoping for a gated server context, or {@code null} if the context is not OpenSSL (the
   * JDK contexts resume nothing).
   */
  public static SessionTickets forServer(ConnectService service, SslContext context) {
    if (!(context.sessionContext() instanceof OpenSslSessionContext)) {
      return null;
    }
    SecureRandom random = new SecureRandom();
    return new SessionTickets(
        service,
        context,
        "replaced the session ticket key of \"" + service.name() + "\"",
        sessions -> sessions.setTicketKeys(newKey(random)));
  }

  /**
   * Session scoping for a resuming client context, or {@code null} if the context is not OpenSSL.
   */
  public static SessionTickets forClient(ConnectService service, SslContext context) {
    if (!(context.sessionContext() instanceof OpenSslSessionContext)) {
      return null;
    }
    return new SessionTickets(
        service,
        context,
        "dropped the cached TLS client sessions of \"" + service.name() + "\"",
        SessionTickets::forgetClientSessions);
  }

  /**
   * Ends the sessions made under an earlier identity revision, if the revision moved since the last
   * call. Does nothing while the service is not ready (no handshake can succeed then anyway).
   */
  public void beforeHandshake() {
    long current;
    try {
      current = service.identity().revision();
    } catch (NotReadyException e) {
      return;
    }
    if (current != revision) {
      rotate(current);
    }
  }

  private synchronized void rotate(long current) {
    if (current == revision) {
      return;
    }
    boolean first = revision == NONE;
    restart.accept(sessions);
    revision = current;
    if (!first) {
      LOG.info("identity revision {}: {}", current, description);
    }
  }

  /** Empties a client session cache and keeps caching. */
  private static void forgetClientSessions(OpenSslSessionContext sessions) {
    sessions.setSessionCacheEnabled(false);
    sessions.setSessionCacheEnabled(true);
  }

  private static OpenSslSessionTicketKey newKey(SecureRandom random) {
    return new OpenSslSessionTicketKey(
        bytes(random, OpenSslSessionTicketKey.NAME_SIZE),
        bytes(random, OpenSslSessionTicketKey.HMAC_KEY_SIZE),
        bytes(random, OpenSslSessionTicketKey.AES_KEY_SIZE));
  }

  private static byte[] bytes(SecureRandom random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }
}
