package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.tls.ExpectedPeers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Puts TLS on OkHttp's connections. For a Connect host the plain socket must be an {@link
 * InstanceSocket} connected to a discovered instance: the TLS socket comes from the service's
 * context, its peer host is the instance's Consul SNI (see {@link PeerNames}), and the identity the
 * instance must present is registered in {@link ExpectedPeers} before OkHttp starts the handshake,
 * so the Connect trust manager refuses a wrong server inside it. Other hosts (passthrough only) get
 * an ordinary TLS socket from {@code passthroughTls} with HTTPS host name checks in the handshake.
 *
 * <p>Only {@link #createSocket(Socket, String, int, boolean)}, the method OkHttp calls, layers TLS;
 * the other creation methods are refused. Thread-safe.
 */
final class ConnectSslSocketFactory extends SSLSocketFactory {
  private final HttpTargets targets;
  private final SSLSocketFactory connectTls;
  private final SSLSocketFactory passthroughTls;
  private final PeerNames peerNames;

  ConnectSslSocketFactory(
      HttpTargets targets,
      SSLSocketFactory connectTls,
      SSLSocketFactory passthroughTls,
      PeerNames peerNames) {
    this.targets = requireNonNull(targets, "targets");
    this.connectTls = requireNonNull(connectTls, "connectTls");
    this.passthroughTls = passthroughTls;
    this.peerNames = requireNonNull(peerNames, "peerNames");
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    Optional<ConnectHost> target;
    try {
      target = targets.parse(host);
    } catch (IllegalArgumentException e) {
      throw new SSLException(e.getMessage(), e);
    }
    ServiceInstance instance =
        socket instanceof InstanceSocket connected ? connected.instance() : null;
    if (target.isPresent()) {
      if (instance == null) {
        throw new SSLException(
            "refusing TLS to "
                + host
                + ": the connection was not opened to a discovered instance (a proxy or a"
                + " replaced socket factory is in the way)");
      }
      return connect((InstanceSocket) socket, instance, autoClose);
    }
    if (instance != null || !targets.passthrough() || passthroughTls == null) {
      throw new SSLException(targets.refusal(host));
    }
    SSLSocket tls = (SSLSocket) passthroughTls.createSocket(socket, host, port, autoClose);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    tls.setSSLParameters(parameters);
    return tls;
  }

  private Socket connect(InstanceSocket socket, ServiceInstance instance, boolean autoClose)
      throws IOException {
    ServiceIdentity expected = targets.expected(instance);
    socket.tlsLayered();
    SSLSocket tls =
        (SSLSocket)
            connectTls.createSocket(socket, peerNames.name(expected), instance.port(), autoClose);
    ExpectedPeers.expect(tls, expected);
    return tls;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return connectTls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return connectTls.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose)
      throws IOException {
    throw unsupported();
  }

  @Override
  public Socket createSocket() throws IOException {
    throw unsupported();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw unsupported();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw unsupported();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw unsupported();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw unsupported();
  }

  private static SocketException unsupported() {
    return new SocketException(
        "the Connect HTTP socket factory only layers TLS over sockets its client connected");
  }
}
