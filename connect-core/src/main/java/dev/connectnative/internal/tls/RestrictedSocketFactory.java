package dev.connectnative.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Restricts every socket the provider's factory creates. Server-mode layered sockets ({@link
 * #createSocket(Socket, InputStream, boolean)}, the accept path, which authorizes every connection
 * after its handshake) may resume sessions of the current identity revision; every other socket
 * performs full handshakes unless its user opts in.
 */
final class RestrictedSocketFactory extends SSLSocketFactory {
  private final Supplier<SSLSocketFactory> factory;
  private final LongSupplier revision;

  /**
   * Creates the factory.
   *
   * @param factory the provider's factory to create each socket with, asked per socket (its context
   *     may change with the identity revision, see {@link SocketContexts})
   * @param revision the identity revision sockets may resume sessions of, or {@code null} if none
   *     may resume
   */
  RestrictedSocketFactory(Supplier<SSLSocketFactory> factory, LongSupplier revision) {
    this.factory = factory;
    this.revision = revision;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return factory.get().getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return factory.get().getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket() throws IOException {
    return Restrictions.apply((SSLSocket) factory.get().createSocket());
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    return Restrictions.apply(
        (SSLSocket) factory.get().createSocket(socket, host, port, autoClose));
  }

  /**
   * A server-mode socket over an accepted connection. Providers without this method (Conscrypt) get
   * the layered client-socket form with the peer's address as host, switched to server mode, as
   * long as no bytes were read ahead.
   */
  @Override
  public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose)
      throws IOException {
    SSLSocketFactory delegate = factory.get();
    try {
      return resumable(
          Restrictions.apply((SSLSocket) delegate.createSocket(socket, consumed, autoClose)));
    } catch (UnsupportedOperationException e) {
      if (consumed != null && consumed.available() > 0) {
        throw new IOException(
            "the TLS provider cannot take bytes already read from " + socket.getInetAddress(), e);
      }
      SSLSocket layered =
          (SSLSocket)
              delegate.createSocket(
                  socket, socket.getInetAddress().getHostAddress(), socket.getPort(), autoClose);
      layered.setUseClientMode(false);
      return resumable(Restrictions.apply(layered));
    }
  }

  private SSLSocket resumable(SSLSocket socket) {
    return revision == null ? socket : Restrictions.resumable(socket, revision.getAsLong());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return Restrictions.apply((SSLSocket) factory.get().createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return Restrictions.apply(
        (SSLSocket) factory.get().createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return Restrictions.apply((SSLSocket) factory.get().createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return Restrictions.apply(
        (SSLSocket) factory.get().createSocket(address, port, localAddress, localPort));
  }
}
