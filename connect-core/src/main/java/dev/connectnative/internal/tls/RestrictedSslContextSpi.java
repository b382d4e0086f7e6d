package dev.connectnative.internal.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Delegates to initialised contexts, the current one of {@link SocketContexts} for sockets (and the
 * session contexts) and one for engines, and restricts everything they hand out.
 */
final class RestrictedSslContextSpi extends SSLContextSpi {
  private final SocketContexts sockets;
  private final SSLContext engines;
  private final LongSupplier revision;

  RestrictedSslContextSpi(SocketContexts sockets, SSLContext engines, LongSupplier revision) {
    this.sockets = sockets;
    this.engines = engines;
    this.revision = revision;
  }

  /** The context is initialised once with the Connect managers; re-initialising is refused. */
  @Override
  protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
      throws KeyManagementException {
    throw new KeyManagementException("a Connect SSLContext is initialised once, by its service");
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return new RestrictedSocketFactory(sockets::socketFactory, revision);
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return new RestrictedServerSocketFactory(sockets.current().getServerSocketFactory());
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return Restrictions.apply(engines.createSSLEngine());
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return Restrictions.apply(engines.createSSLEngine(host, port));
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return sockets.current().getServerSessionContext();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return sockets.current().getClientSessionContext();
  }

  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return Restrictions.apply(sockets.current().getDefaultSSLParameters());
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return Restrictions.apply(sockets.current().getSupportedSSLParameters());
  }
}
