package dev.connectnative.internal.tls;

import dev.connectnative.ServiceIdentity;
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
   * valid. A session found expired is invalidated, so it is not resumed again. Nothing is formatted
   * unless a leaf has expired.
   *
   * @param session the handshake's session
   * @param peerRole how the reason names the peer's certificate, e.g. {@code client certificate}
   * @param peer the peer's identity, appended to {@code peerRole} in the reason
   * @param self this service's name
   * @param now the time to check at
   * @return e.g. {@code client certificate spiffe://…/svc/web (serial 0a:…) expired at
   *     2026-11-21T10:00:00Z (now 2026-11-21T10:00:05Z)}, or {@code null}
   * @throws SSLPeerUnverifiedException if the session has no peer certificate
   */
  public static String problem(
      SSLSession session, String peerRole, ServiceIdentity peer, String self, Instant now)
      throws SSLPeerUnverifiedException {
    Certificate peerLeaf = session.getPeerCertificates()[0];
    if (expired(peerLeaf, now)) {
      session.invalidate();
      return reason(peerRole + " " + peer, peerLeaf, now);
    }
    Certificate[] local = session.getLocalCertificates();
    if (local != null && local.length > 0 && expired(local[0], now)) {
      session.invalidate();
      return reason("the leaf certificate of service \"" + self + "\"", local[0], now);
    }
    return null;
  }

  private static boolean expired(Certificate certificate, Instant now) {
    return certificate instanceof X509Certificate leaf
        && now.isAfter(leaf.getNotAfter().toInstant());
  }

  private static String reason(String what, Certificate certificate, Instant now) {
    X509Certificate leaf = (X509Certificate) certificate;
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
