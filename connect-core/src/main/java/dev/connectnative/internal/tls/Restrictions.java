package dev.connectnative.internal.tls;

import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** Applies the connection settings every Connect socket and engine must have. */
final class Restrictions {
  private Restrictions() {}

  static SSLSocket apply(SSLSocket socket) {
    socket.setEnabledProtocols(protocols(socket.getSupportedProtocols()));
    socket.setNeedClientAuth(true);
    return socket;
  }

  static SSLServerSocket apply(SSLServerSocket socket) {
    socket.setEnabledProtocols(protocols(socket.getSupportedProtocols()));
    socket.setNeedClientAuth(true);
    return socket;
  }

  static SSLEngine apply(SSLEngine engine) {
    engine.setEnabledProtocols(protocols(engine.getSupportedProtocols()));
    engine.setNeedClientAuth(true);
    return engine;
  }

  static SSLParameters apply(SSLParameters parameters) {
    parameters.setProtocols(protocols(parameters.getProtocols()));
    parameters.setNeedClientAuth(true);
    return parameters;
  }

  /** Our protocols, in our order, that the implementation also offers. */
  private static String[] protocols(String[] offered) {
    return Arrays.stream(ConnectSslContexts.PROTOCOLS)
        .filter(Arrays.asList(offered)::contains)
        .toArray(String[]::new);
  }
}
