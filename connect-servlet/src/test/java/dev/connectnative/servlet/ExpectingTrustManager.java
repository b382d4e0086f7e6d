package dev.connectnative.servlet;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.internal.tls.ExpectedPeers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client-side trust manager for HTTP clients that hide their sockets and engines (JDK HttpClient,
 * OkHttp): registers the expected server identity for whatever socket or engine is handshaking,
 * then lets the Connect trust manager verify the server.
 */
final class ExpectingTrustManager extends X509ExtendedTrustManager {
  private final ConnectTrustManager delegate;
  private final ServiceIdentity expected;

  ExpectingTrustManager(ConnectTrustManager delegate, ServiceIdentity expected) {
    this.delegate = delegate;
    this.expected = expected;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ExpectedPeers.expect(socket, expected);
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ExpectedPeers.expect(engine, expected);
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a socket or engine is needed to know the expected server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
