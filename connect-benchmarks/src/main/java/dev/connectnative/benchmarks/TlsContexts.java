package dev.connectnative.benchmarks;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds mutual-TLS {@link SSLContext}s for the static benchmark certificates. */
final class TlsContexts {
  /** Longer than the TLS 1.3 ticket lifetime limit (7 days), so JSSE issues no tickets. */
  static final int NO_TICKETS_SESSION_TIMEOUT = 8 * 24 * 3600;

  static final String[] TLS13 = {"TLSv1.3"};

  private TlsContexts() {}

  /**
   * A context presenting a fresh leaf for {@code service} and trusting {@code pki}'s root, from
   * {@code provider} ({@code null}: the JDK default).
   *
   * <p>A JSSE server context issues no session tickets, so every handshake is a full one.
   */
  static SSLContext mutual(Pki pki, String service, Provider provider) {
    return mutual(pki, service, provider, new LongAdder());
  }

  /**
   * As {@link #mutual(Pki, String, Provider)}, counting client chain checks into {@code checks}.
   */
  static SSLContext mutual(Pki pki, String service, Provider provider, LongAdder checks) {
    try {
      SSLContext context =
          provider == null
              ? SSLContext.getInstance("TLSv1.3")
              : SSLContext.getInstance("TLSv1.3", provider);
      // Conscrypt's TLS 1.3 server finds no certificate through the JDK's PKIX key manager, and
      // the JDK's trust manager rejects the authType "GENERIC" Conscrypt passes for TLS 1.3.
      String keyManager = provider == null ? "PKIX" : "SunX509";
      TrustManager trust =
          new CountingTrustManager(
              (X509ExtendedTrustManager) pki.trustManagers(provider)[0], checks);
      context.init(
          pki.keyManagers(pki.leaf(service), keyManager), new TrustManager[] {trust}, null);
      if (provider == null) {
        context.getServerSessionContext().setSessionTimeout(NO_TICKETS_SESSION_TIMEOUT);
      }
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS 1.3 context for " + service, e);
    }
  }
}
