package dev.connectnative.internal.http;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.tls.ExpectedPeers;
import java.security.KeyManagementException;
import java.security.SecureRandom;
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
 * The service's context bound to one server identity, for a JDK {@code HttpClient} that only ever
 * talks to instances of that identity: every engine it creates has {@code expected} registered in
 * {@link ExpectedPeers} before its handshake, and comes wrapped in a {@link PinnedEngine}. Sockets
 * and server sockets are not offered (the JDK client uses engines only).
 */
final class PinnedSslContext extends SSLContext {
  PinnedSslContext(SSLContext service, ServiceIdentity expected) {
    super(new Spi(service, expected), service.getProvider(), service.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext service;
    private final ServiceIdentity expected;

    Spi(SSLContext service, ServiceIdentity expected) {
      this.service = service;
      this.expected = expected;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("a Connect SSLContext is initialised once, by its service");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return pinned(service.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return pinned(service.createSSLEngine(host, port));
    }

    private SSLEngine pinned(SSLEngine engine) {
      ExpectedPeers.expect(engine, expected);
      return new PinnedEngine(engine);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw new UnsupportedOperationException(
          "this context serves the JDK HttpClient's engines only, not sockets");
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException(
          "this context serves the JDK HttpClient's engines only, not server sockets");
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return service.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return service.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return service.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return service.getSupportedSSLParameters();
    }
  }
}
