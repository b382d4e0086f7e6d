package dev.connectnative.internal.tls;

import javax.net.ssl.SSLContext;

/**
 * An {@link SSLContext} whose sockets and engines are restricted by {@link Restrictions}; sockets
 * come from one initialised context, engines from another (the same one unless a socket provider
 * such as Conscrypt is in use).
 */
final class RestrictedSslContext extends SSLContext {
  RestrictedSslContext(SSLContext sockets, SSLContext engines) {
    super(
        new RestrictedSslContextSpi(sockets, engines),
        sockets.getProvider(),
        sockets.getProtocol());
  }
}
