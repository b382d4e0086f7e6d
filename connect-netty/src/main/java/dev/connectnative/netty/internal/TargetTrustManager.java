package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.tls.ExpectedPeers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client-side trust manager of a context bound to one target service.
 *
 * <p>A connection whose engine was registered in {@link ExpectedPeers} (the adapter's own dials,
 * which know the exact instance) is checked against that registration. Any other engine the context
 * handshakes with, e.g. one created by gRPC, or the inner JDK engine behind Netty's ALPN wrapper,
 * is registered first with the context's target identity, so a server that is not the target is
 * still refused inside the handshake. Thread-safe.
 */
public final class TargetTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final Supplier<ServiceIdentity> target;

  /**
   * Creates the trust manager.
   *
   * @param delegate the service's Connect trust manager
   * @param target the identity a server must present when nothing more precise is registered;
   *     called per handshake, may throw to refuse
   */
  public TargetTrustManager(X509ExtendedTrustManager delegate, Supplier<ServiceIdentity> target) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.target = requireNonNull(target, "target");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    expectTarget(engine);
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    expectTarget(socket);
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException(
        "cannot verify the server: the TLS stack gave no engine or socket to check it for");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private void expectTarget(Object socketOrEngine) throws CertificateException {
    if (socketOrEngine == null) {
      throw new CertificateException(
          "cannot verify the server: the TLS stack gave no engine or socket to check it for");
    }
    if (ExpectedPeers.expected(socketOrEngine).isPresent()) {
      return;
    }
    ServiceIdentity expected;
    try {
      expected = target.get();
    } catch (RuntimeException e) {
      throw new CertificateException(
          "cannot tell which server identity to expect: " + e.getMessage(), e);
    }
    try {
      if (socketOrEngine instanceof SSLEngine engine) {
        ExpectedPeers.expect(engine, expected);
      } else {
        ExpectedPeers.expect((Socket) socketOrEngine, expected);
      }
    } catch (IllegalStateException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }
}
