package dev.connectnative.internal.tls;

import dev.connectnative.ServiceIdentity;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Server-side hook run inside the handshake, after the client's chain and leaf have been validated:
 * the place for intention checks. It runs on the handshaking thread (for Netty, the thread that
 * runs delegated tasks), so it must answer from a cache or fail fast.
 */
@FunctionalInterface
public interface ClientAuthorizer {

  /**
   * Decides whether {@code client} may connect.
   *
   * @param client the validated client identity
   * @param leaf the client's leaf certificate
   * @param socketOrEngine the {@code SSLSocket} or {@code SSLEngine} handshaking, or {@code null}
   *     when JSSE gave none
   * @throws CertificateException to refuse; its message names the client and the reason, e.g.
   *     {@code client spiffe://…/svc/db is not allowed to connect to echo: Matched L4 intention …}
   */
  void authorize(ServiceIdentity client, X509Certificate leaf, Object socketOrEngine)
      throws CertificateException;
}
