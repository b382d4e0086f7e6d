package dev.connectnative.internal.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/** Restricts every server socket the provider's factory creates, and each socket it accepts. */
final class RestrictedServerSocketFactory extends SSLServerSocketFactory {
  private final SSLServerSocketFactory delegate;

  RestrictedServerSocketFactory(SSLServerSocketFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new RestrictedServerSocket((SSLServerSocket) delegate.createServerSocket());
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new RestrictedServerSocket((SSLServerSocket) delegate.createServerSocket(port));
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new RestrictedServerSocket((SSLServerSocket) delegate.createServerSocket(port, backlog));
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    return new RestrictedServerSocket(
        (SSLServerSocket) delegate.createServerSocket(port, backlog, address));
  }
}
