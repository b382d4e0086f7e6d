package dev.connectnative;

/**
 * Which TLS implementation a {@link ConnectService}'s {@code SSLContext} (and so its dial, accept
 * and HTTP paths) uses; see {@link Connect.Builder#tlsProvider(TlsProvider)}.
 *
 * <p>Whatever the choice, the service's own key and trust managers do every check, connections are
 * TLS 1.3 or 1.2 with X25519 preferred for key exchange, and the provider is never registered as a
 * JVM-wide JCA provider.
 */
public enum TlsProvider {
  /**
   * Conscrypt (BoringSSL) when {@code org.conscrypt:conscrypt-openjdk-uber} is on the class path
   * and its native library loads on this platform, otherwise the JDK. The service logs which one it
   * uses, and why Conscrypt was not used.
   */
  AUTO,

  /** The JDK's own TLS (SunJSSE). Always available. */
  JDK,

  /**
   * Conscrypt (BoringSSL), the fast configuration for the socket and HTTP paths: full handshakes
   * cost a fraction of the JDK's CPU. Requires {@code org.conscrypt:conscrypt-openjdk-uber} (which
   * carries its native library for Linux, macOS and Windows on x86-64) on the class path; building
   * the service fails if it cannot be loaded.
   */
  CONSCRYPT
}
