package dev.connectnative.internal.tls;

import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * An {@link SSLContext} whose sockets and engines are restricted by {@link Restrictions}; sockets
 * come from one initialised context, engines from another (the same one unless a socket provider
 * such as Conscrypt is in use).
 */
final class RestrictedSslContext extends SSLContext {
  RestrictedSslContext(SSLContext sockets, SSLContext engines, LongSupplier revision) {
    super(
        new RestrictedSslContextSpi(sockets, engines, revision),
        sockets.getProvider(),
        sockets.getProtocol());
  }
}
