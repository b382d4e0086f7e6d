package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Makes {@link ConnectServerSocket}s, for frameworks that take a {@code ServerSocketFactory} or an
 * {@link SSLServerSocketFactory}. Thread-safe.
 */
public final class ConnectServerSocketFactory extends SSLServerSocketFactory {
  private final SSLSocketFactory tls;
  private final AcceptPolicy policy;

  /**
   * Creates the factory.
   *
   * @param tls the socket factory of the service's {@code SSLContext}
   * @param policy what each accepted connection goes through
   */
  public ConnectServerSocketFactory(SSLSocketFactory tls, AcceptPolicy policy) {
    this.tls = requireNonNull(tls, "tls");
    this.policy = requireNonNull(policy, "policy");
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new ConnectServerSocket(new ServerSocket(), tls, policy);
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new ConnectServerSocket(new ServerSocket(port), tls, policy);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new ConnectServerSocket(new ServerSocket(port, backlog), tls, policy);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress)
      throws IOException {
    return new ConnectServerSocket(new ServerSocket(port, backlog, bindAddress), tls, policy);
  }
}
