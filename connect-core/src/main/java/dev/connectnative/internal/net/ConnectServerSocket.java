package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;
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
 */
public final class ConnectServerSocket extends ServerSocket {
  private final ServerSocket delegate;
  private final SSLSocketFactory tls;
  private final AcceptPolicy policy;

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
    super();
    this.delegate = requireNonNull(delegate, "delegate");
    this.tls = requireNonNull(tls, "tls");
    this.policy = requireNonNull(policy, "policy");
    if (delegate instanceof SSLServerSocket) {
      throw new IllegalArgumentException(
          "wrap a plain ServerSocket: the Connect server socket adds TLS itself, and cannot vouch"
              + " for the TLS settings of "
              + delegate);
    }
  }

  @Override
  public Socket accept() throws IOException {
    Socket raw = delegate.accept();
    try {
      SSLSocket ssl = (SSLSocket) tls.createSocket(raw, null, true);
      return new AcceptedSocket(raw, ssl, policy);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  @Override
  public void bind(SocketAddress endpoint) throws IOException {
    delegate.bind(endpoint);
  }

  @Override
  public void bind(SocketAddress endpoint, int backlog) throws IOException {
    delegate.bind(endpoint, backlog);
  }

  @Override
  public InetAddress getInetAddress() {
    return delegate.getInetAddress();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return delegate.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public ServerSocketChannel getChannel() {
    return null;
  }

  @Override
  public boolean isBound() {
    return delegate.isBound();
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    delegate.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws IOException {
    return delegate.getSoTimeout();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    delegate.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return delegate.getReuseAddress();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    delegate.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return delegate.getReceiveBufferSize();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    delegate.setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  @Override
  public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
    delegate.setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return delegate.getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return delegate.supportedOptions();
  }

  @Override
  public String toString() {
    return "ConnectServerSocket[" + policy.target() + " on " + delegate + "]";
  }
}
