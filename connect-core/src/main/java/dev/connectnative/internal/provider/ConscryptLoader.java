package dev.connectnative.internal.provider;

import java.net.InetAddress;
import java.security.Provider;
import javax.net.ssl.SSLSocket;
import org.conscrypt.Conscrypt;

/**
 * The only class that names Conscrypt's API. It is loaded only when {@link TlsProviders} asks for
 * Conscrypt or a Conscrypt socket is at hand, so without Conscrypt on the class path the JVM fails
 * to link it (a {@link NoClassDefFoundError} the caller catches) and nothing else is affected.
 */
public final class ConscryptLoader {
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

  /**
   * Tells whether {@code socket} comes from Conscrypt, without loading Conscrypt.
   *
   * @param socket any TLS socket
   * @return {@code true} for a Conscrypt socket
   */
  public static boolean isConscrypt(SSLSocket socket) {
    return socket.getClass().getName().startsWith("org.conscrypt.");
  }

  /**
   * Lets a Conscrypt socket use TLS session tickets: a server socket issues and accepts them, a
   * client socket keeps and offers them. Conscrypt turns them off by default.
   *
   * @param socket a socket for which {@link #isConscrypt} is true
   */
  public static void useSessionTickets(SSLSocket socket) {
    Conscrypt.setUseSessionTickets(socket, true);
  }

  /** The Conscrypt version, e.g. {@code 2.5.2}. */
  static String version() {
    Conscrypt.Version v = Conscrypt.version();
    return v == null ? "unknown version" : v.major() + "." + v.minor() + "." + v.patch();
  }
}
