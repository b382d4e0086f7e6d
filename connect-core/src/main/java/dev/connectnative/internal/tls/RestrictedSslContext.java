package dev.connectnative.internal.tls;

import javax.net.ssl.SSLContext;

/** An {@link SSLContext} whose sockets and engines are restricted by {@link Restrictions}. */
final class RestrictedSslContext extends SSLContext {
  RestrictedSslContext(SSLContext delegate) {
    super(new RestrictedSslContextSpi(delegate), delegate.getProvider(), delegate.getProtocol());
  }
}
