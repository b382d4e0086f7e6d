package dev.connectnative.internal.provider;

import java.net.InetAddress;
import java.security.Provider;
import org.conscrypt.Conscrypt;

/**
 * The only class that names Conscrypt's API. It is loaded only when {@link TlsProviders} asks for
 * Conscrypt, so without Conscrypt on the class path the JVM fails to link it (a {@link
 * NoClassDefFoundError} the caller catches) and nothing else is affected.
 */
final class ConscryptLoader {
  private ConscryptLoader() {}

  /**
   * A new, unregistered Conscrypt provider whose TLS contexts default to TLS 1.3.
   *
   * @throws UnsatisfiedLinkError if the native library cannot be loaded here
   * @throws IllegalStateException if {@code java.net} is not open to Conscrypt: on accepted
   *     connections it reads the peer's host name from {@code InetAddress} internals, and without
   *     access every client would be refused
   */
  static Provider newProvider() {
    Conscrypt.checkAvailability();
    if (!InetAddress.class.getModule().isOpen("java.net", Conscrypt.class.getModule())) {
      throw new IllegalStateException(
          "Conscrypt needs the JVM option --add-opens java.base/java.net=ALL-UNNAMED (or"
              + " Add-Opens: java.base/java.net in the main jar's manifest) to accept connections");
    }
    return Conscrypt.newProviderBuilder()
        .setName("Conscrypt")
        .provideTrustManager(false)
        .defaultTlsProtocol("TLSv1.3")
        .build();
  }

  /** The Conscrypt version, e.g. {@code 2.5.2}. */
  static String version() {
    Conscrypt.Version v = Conscrypt.version();
    return v == null ? "unknown version" : v.major() + "." + v.minor() + "." + v.patch();
  }
}
