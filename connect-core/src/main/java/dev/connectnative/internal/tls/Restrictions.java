package dev.connectnative.internal.tls;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Applies the connection settings every Connect socket and engine must have: TLS 1.3 and 1.2 only,
 * a client certificate required in server mode, and no session resumption.
 *
 * <p>Resumption would skip the certificate exchange, and with it the expected-service check, the
 * authorization hook and any rotation since the session began (Consul's Go client does not resume
 * either). JSSE resumes a session only when the endpoint identification algorithm of the new
 * connection equals the one recorded in the session; giving every socket and engine its own value
 * makes every connection a full handshake. The value is opaque to JSSE here: the Connect trust
 * manager extends {@code X509ExtendedTrustManager}, so JSSE performs no hostname check with it. An
 * accepted socket inherits its server socket's value, so servers are protected by the clients'
 * uniqueness, and authorization after the handshake remains the accept path's duty.
 */
final class Restrictions {
  private static final String NO_RESUMPTION = "connectnative-full-handshake-";
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
