package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.pem.Certificates;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads the Connect identity of the peer of an established TLS session.
 *
 * <pre>{@code
 * ServiceIdentity client = ConnectIdentity.of(sslSocket.getSession());
 * log.info("request from {} in {}", client.service(), client.datacenter());
 * }</pre>
 *
 * <p>The identity is read from the peer's leaf certificate, which the trust manager of a {@code
 * ConnectService} has already validated during the handshake. Stateless and thread-safe.
 */
public final class ConnectIdentity {
  private ConnectIdentity() {}

  /**
   * Returns the service identity of the session's peer.
   *
   * @param session an established TLS session
   * @return the peer's identity (service, namespace, datacenter, partition, trust domain, URI)
   * @throws InvalidIdentityException if the session has no verified peer certificate, or the peer's
   *     leaf does not carry exactly one service identity
   * @throws NullPointerException if {@code session} is null
   */
  public static ServiceIdentity of(SSLSession session) {
    requireNonNull(session, "session");
    Certificate[] certificates;
    try {
      certificates = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new InvalidIdentityException(
          "TLS session has no verified peer certificate (no handshake yet, or the peer sent none)",
          e);
    }
    if (certificates == null
        || certificates.length == 0
        || !(certificates[0] instanceof X509Certificate leaf)) {
      throw new InvalidIdentityException("TLS session has no X.509 peer certificate");
    }
    return Certificates.serviceIdentity(leaf);
  }
}
