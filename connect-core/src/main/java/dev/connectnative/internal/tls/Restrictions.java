package dev.connectnative.internal.tls;

import dev.connectnative.internal.provider.ConscryptLoader;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Applies the connection settings every Connect socket and engine must have: TLS 1.3 and 1.2 only,
 * a client certificate required in server mode, and no session resumption unless a path that
 * re-checks resumed sessions opts in.
 *
 * <p>Resumption skips the certificate exchange, and with it the trust manager: the expected-service
 * check, the in-handshake authorization hook, and any rotation since the session began. JSSE
 * resumes a session only when the endpoint identification algorithm of the new connection equals
 * the one recorded in the session (client side: in the cached session; server side: in the session
 * or ticket the client offers). By default every socket and engine gets its own value, so it never
 * resumes; accepted sockets of a TLS server socket get theirs at accept time (see {@link
 * RestrictedServerSocket}). The value is opaque to JSSE here: the Connect trust manager extends
 * {@code X509ExtendedTrustManager}, so JSSE performs no hostname check with it.
 *
 * <p>{@link #resumable} gives a socket the value {@code connectnative-resumable-<revision>}, where
 * the revision is the service's identity snapshot: sessions made before a root or leaf rotation are
 * then never resumed after it. Only paths that check every resumed connection themselves use it:
 * the dialer (which compares the session's peer identity with the expected one after every
 * handshake, and keys client sessions by the target's identity) and server-mode layered sockets,
 * which the accept path authorizes after every handshake.
 */
final class Restrictions {
  private static final String NO_RESUMPTION = "connectnative-full-handshake-";
  private static final String RESUMABLE = "connectnative-resumable-";
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  private Restrictions() {}

  static SSLSocket apply(SSLSocket socket) {
    socket.setSSLParameters(restrict(socket.getSSLParameters(), socket.getSupportedProtocols()));
    return socket;
  }

  static SSLServerSocket apply(SSLServerSocket socket) {
    socket.setSSLParameters(restrict(socket.getSSLParameters(), socket.getSupportedProtocols()));
    return socket;
  }

  static SSLEngine apply(SSLEngine engine) {
    engine.setSSLParameters(restrict(engine.getSSLParameters(), engine.getSupportedProtocols()));
    return engine;
  }

  /**
   * Lets {@code socket} resume sessions made with the same identity {@code revision} (and, for a
   * client, the same host and port), and only those. JSSE compares the value set here; Conscrypt
   * ignores it, gets session tickets turned on, and is scoped to the revision by a context per
   * revision instead (see {@link SocketContexts}).
   */
  static SSLSocket resumable(SSLSocket socket, long revision) {
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm(RESUMABLE + revision);
    socket.setSSLParameters(parameters);
    if (ConscryptLoader.isConscrypt(socket)) {
      ConscryptLoader.useSessionTickets(socket);
    }
    return socket;
  }

  /** Restricts a parameters template (no per-connection identification value). */
  static SSLParameters apply(SSLParameters parameters) {
    parameters.setProtocols(protocols(parameters.getProtocols()));
    parameters.setNeedClientAuth(true);
    return parameters;
  }

  private static SSLParameters restrict(SSLParameters parameters, String[] supported) {
    parameters.setProtocols(protocols(supported));
    parameters.setNeedClientAuth(true);
    parameters.setEndpointIdentificationAlgorithm(NO_RESUMPTION + CONNECTIONS.incrementAndGet());
    return parameters;
  }

  /** Our protocols, in our order, that the implementation also offers. */
  private static String[] protocols(String[] offered) {
    return Arrays.stream(ConnectSslContexts.PROTOCOLS)
        .filter(Arrays.asList(offered)::contains)
        .toArray(String[]::new);
  }
}
