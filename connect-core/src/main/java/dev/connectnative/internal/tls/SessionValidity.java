package dev.connectnative.internal.tls;

import dev.connectnative.internal.pem.Certificates;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Checks after a handshake that both leaves of its session are still valid. A resumed session skips
 * the certificate exchange and with it the trust manager's validity check, so a session begun
 * before either leaf expired would otherwise carry on after.
 */
public final class SessionValidity {
  private SessionValidity() {}

  /**
   * Returns why the session may not be used at {@code now}, or {@code null} if both leaves are
   * valid. A session found expired is invalidated, so it is not resumed again.
   *
   * @param session the handshake's session
   * @param peer names the peer's certificate in the reason, e.g. {@code client certificate
   *     spiffe://…/svc/web}
   * @param self this service's name
   * @param now the time to check at
   * @return e.g. {@code client certificate spiffe://…/svc/web (serial 0a:…) expired at
   *     2026-11-21T10:00:00Z (now 2026-11-21T10:00:05Z)}, or {@code null}
   * @throws SSLPeerUnverifiedException if the session has no peer certificate
   */
  public static String problem(SSLSession session, String peer, String self, Instant now)
      throws SSLPeerUnverifiedException {
    String problem = expired(peer, session.getPeerCertificates()[0], now);
    Certificate[] local = session.getLocalCertificates();
    if (problem == null && local != null && local.length > 0) {
      problem = expired("the leaf certificate of service \"" + self + "\"", local[0], now);
    }
    if (problem != null) {
      session.invalidate();
    }
    return problem;
  }

  private static String expired(String what, Certificate certificate, Instant now) {
    if (!(certificate instanceof X509Certificate leaf)
        || !now.isAfter(leaf.getNotAfter().toInstant())) {
      return null;
    }
    return what
        + " (serial "
        + Certificates.serialHex(leaf.getSerialNumber())
        + ") expired at "
        + leaf.getNotAfter().toInstant()
        + " (now "
        + now
        + ")";
  }
}
