package dev.connectnative.internal.tls;

import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * An {@link SSLContext} whose sockets and engines are restricted by {@link Restrictions}; sockets
 * come from the current context of {@link SocketContexts}, engines from another (the same one
 * unless a socket provider such as Conscrypt is in use).
 */
final class RestrictedSslContext extends SSLContext {
  private final boolean resumption;

  /**
   * Creates the context.
   *
   * @param revision the identity revision sessions are scoped to, or {@code null} for a context
   *     whose sockets never resume a session
   */
  RestrictedSslContext(SocketContexts sockets, SSLContext engines, LongSupplier revision) {
    super(
        new RestrictedSslContextSpi(sockets, engines, revision),
        sockets.current().getProvider(),
        sockets.current().getProtocol());
    this.resumption = revision != null;
  }

  /** Whether sockets of this context may resume sessions at all. */
  boolean resumption() {
    return resumption;
  }
}
