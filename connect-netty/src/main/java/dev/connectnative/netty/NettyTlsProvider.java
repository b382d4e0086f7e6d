package dev.connectnative.netty;

/**
 * Which TLS implementation Netty uses for Connect connections.
 *
 * <p>Both providers read the service's live key and trust managers, so rotations reach new
 * handshakes with either.
 */
public enum NettyTlsProvider {
  /** OpenSSL if its native library loads and supports key managers, otherwise the JDK. */
  AUTO,
  /** The JDK's own TLS ({@code SSLEngine}). */
  JDK,
  /**
   * OpenSSL through {@code netty-tcnative-boringssl-static}, which must be on the class path and
   * load on this platform.
   */
  OPENSSL
}
