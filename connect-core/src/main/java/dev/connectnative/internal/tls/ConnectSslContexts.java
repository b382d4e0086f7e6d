package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Builds the one {@link SSLContext} of a service.
 *
 * <p>The context is built once and never rebuilt: its key and trust managers read the current
 * identity snapshot per handshake, so rotation needs no new context and open connections are
 * untouched. Every socket, server socket and engine it creates is restricted to TLS 1.3 and TLS 1.2
 * (older versions have no place in a mesh, and pinning them here keeps a JVM-wide security property
 * from re-enabling them) and, in server mode, requires a client certificate (mutual TLS or
 * nothing).
 */
public final class ConnectSslContexts {
  /** The protocol versions every connection is restricted to, most preferred first. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ConnectSslContexts() {}

  /**
   * Creates the context of a service.
   *
   * @param keyManager presents the service's leaf
   * @param trustManager validates peers
   * @return the context, ready to use
   * @throws IllegalStateException if the JDK offers no TLS implementation
   */
  public static SSLContext create(ConnectKeyManager keyManager, ConnectTrustManager trustManager) {
    requireNonNull(keyManager, "keyManager");
    requireNonNull(trustManager, "trustManager");
    try {
      SSLContext delegate = SSLContext.getInstance("TLS");
      delegate.init(
          new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, new SecureRandom());
      return new RestrictedSslContext(delegate);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
    }
  }
}
