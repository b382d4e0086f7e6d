package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ForwardingSslServerSocket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A server socket whose {@link #accept()} returns TLS sockets of a Connect service: the TLS layer
 * is put on each plain accepted connection with the service's {@code SSLContext}, client
 * certificates are required, and the returned socket completes handshake and authorization before
 * its first byte (see {@link AcceptedSocket}). {@code accept()} itself never waits for a handshake,
 * so a stalled client cannot block it. Every other method acts on the wrapped plain server socket,
 * which this socket owns and closes.
 *
 * <p>It is an {@link SSLServerSocket}, so frameworks that take an {@code SSLServerSocketFactory}
 * and configure the sockets it makes keep working, within Connect's rules: protocols may be
 * narrowed among TLS 1.3 and TLS 1.2, cipher suites among the supported ones, and ALPN protocols
 * set; they apply to connections accepted afterwards. Settings that would weaken mutual TLS are
 * refused with {@link IllegalArgumentException}: client mode, optional or no client authentication,
 * other protocol versions. {@code setWantClientAuth(false)} and {@code setNeedClientAuth(true)} are
 * accepted and change nothing (client certificates stay required).
 */
public final class ConnectServerSocket extends ForwardingSslServerSocket<ServerSocket> {
  private final SSLSocketFactory tls;
  private final AcceptPolicy policy;
  private volatile String[] protocols = ConnectSslContexts.PROTOCOLS.clone();
  private volatile String[] cipherSuites;
  private volatile String[] applicationProtocols = new String[0];
  private volatile boolean sessionCreation = true;

  /**
   * Wraps a plain server socket.
   *
   * @param delegate a plain (not TLS) server socket, bound or not
   * @param tls the socket factory of the service's {@code SSLContext}
   * @param policy what each accepted connection goes through
   * @throws IOException if the JDK cannot create the unbound base socket
   * @throws IllegalArgumentException if {@code delegate} is already a TLS server socket
   */
  public ConnectServerSocket(ServerSocket delegate, SSLSocketFactory tls, AcceptPolicy policy)
      throws IOException {
    super(delegate);
    this.tls = requireNonNull(tls, "tls");
    this.policy = requireNonNull(policy, "policy");
    if (delegate instanceof SSLServerSocket) {
      throw new IllegalArgumentException(
          "wrap a plain ServerSocket: the Connect server socket adds TLS itself, and cannot vouch"
              + " for the TLS settings of "
              + delegate);
    }
    this.cipherSuites = tls.getDefaultCipherSuites();
  }

  @Override
  public Socket accept() throws IOException {
    Socket raw = delegate().accept();
    try {
      SSLSocket ssl = (SSLSocket) tls.createSocket(raw, null, true);
      ssl.setUseClientMode(false);
      SSLParameters params = ssl.getSSLParameters();
      params.setProtocols(protocols);
      params.setCipherSuites(cipherSuites);
      params.setApplicationProtocols(applicationProtocols);
      params.setNeedClientAuth(true);
      ssl.setSSLParameters(params);
      ssl.setEnableSessionCreation(sessionCreation);
      return new AcceptedSocket(raw, ssl, policy);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  // ---- TLS settings, within Connect's rules
  // ------------------------------------------------------

  @Override
  public String[] getSupportedProtocols() {
    return ConnectSslContexts.PROTOCOLS.clone();
  }

  @Override
  public String[] getEnabledProtocols() {
    return protocols.clone();
  }

  /**
   * Narrows the protocol versions of connections accepted from now on.
   *
   * @throws IllegalArgumentException if {@code protocols} is empty or names a version other than
   *     TLS 1.3 and TLS 1.2
   */
  @Override
  public void setEnabledProtocols(String[] protocols) {
    this.protocols =
        subset(protocols, ConnectSslContexts.PROTOCOLS, "protocol", "TLS versions of the mesh");
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return cipherSuites.clone();
  }

  /**
   * Narrows the cipher suites of connections accepted from now on.
   *
   * @throws IllegalArgumentException if {@code suites} is empty or names an unsupported suite
   */
  @Override
  public void setEnabledCipherSuites(String[] suites) {
    this.cipherSuites =
        subset(suites, tls.getSupportedCipherSuites(), "cipher suite", "supported cipher suites");
  }

  /**
   * Keeps client certificates required; turning them off is refused.
   *
   * @throws IllegalArgumentException if {@code need} is false
   */
  @Override
  public void setNeedClientAuth(boolean need) {
    if (!need) {
      throw new IllegalArgumentException(
          "a Connect server socket requires client certificates (mutual TLS); it cannot turn them"
              + " off");
    }
  }

  @Override
  public boolean getNeedClientAuth() {
    return true;
  }

  /**
   * Refuses optional client authentication; {@code false} is accepted and changes nothing.
   *
   * @throws IllegalArgumentException if {@code want} is true
   */
  @Override
  public void setWantClientAuth(boolean want) {
    if (want) {
      throw new IllegalArgumentException(
          "a Connect server socket requires client certificates (mutual TLS); it cannot make them"
              + " optional");
    }
  }

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  /**
   * Refuses client mode.
   *
   * @throws IllegalArgumentException if {@code mode} is true
   */
  @Override
  public void setUseClientMode(boolean mode) {
    if (mode) {
      throw new IllegalArgumentException("a Connect server socket accepts in server mode only");
    }
  }

  @Override
  public boolean getUseClientMode() {
    return false;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    this.sessionCreation = flag;
  }

  @Override
  public boolean getEnableSessionCreation() {
    return sessionCreation;
  }

  @Override
  public SSLParameters getSSLParameters() {
    SSLParameters params = new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
    params.setNeedClientAuth(true);
    params.setApplicationProtocols(applicationProtocols.clone());
    return params;
  }

  /**
   * Takes the protocols, cipher suites and ALPN protocols of {@code params}, within the same rules
   * as their setters.
   *
   * @throws IllegalArgumentException if {@code params} does not require client authentication or
   *     names a protocol or cipher suite that is not allowed
   */
  @Override
  public void setSSLParameters(SSLParameters params) {
    if (!params.getNeedClientAuth()) {
      throw new IllegalArgumentException(
          "a Connect server socket requires client certificates (mutual TLS): the parameters must"
              + " set needClientAuth");
    }
    String[] newProtocols =
        params.getProtocols() == null
            ? protocols
            : subset(
                params.getProtocols(),
                ConnectSslContexts.PROTOCOLS,
                "protocol",
                "TLS versions of the mesh");
    String[] newSuites =
        params.getCipherSuites() == null
            ? cipherSuites
            : subset(
                params.getCipherSuites(),
                tls.getSupportedCipherSuites(),
                "cipher suite",
                "supported cipher suites");
    this.protocols = newProtocols;
    this.cipherSuites = newSuites;
    this.applicationProtocols = params.getApplicationProtocols().clone();
  }

  private static String[] subset(String[] wanted, String[] allowed, String what, String among) {
    requireNonNull(wanted, what + "s");
    if (wanted.length == 0) {
      throw new IllegalArgumentException("a Connect server socket needs at least one " + what);
    }
    List<String> allowedList = Arrays.asList(allowed);
    for (String w : wanted) {
      if (!allowedList.contains(w)) {
        throw new IllegalArgumentException(
            what
                + " "
                + w
                + " is not allowed on a Connect server socket; choose among the "
                + among
                + ": "
                + String.join(", ", allowed));
      }
    }
    return wanted.clone();
  }

  // ---- the wrapped plain server socket ----------------------------------------------------------

  @Override
  public String toString() {
    return "ConnectServerSocket[" + policy.target() + " on " + delegate() + "]";
  }
}
