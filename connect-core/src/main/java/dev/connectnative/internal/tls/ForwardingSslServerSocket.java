package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;
import javax.net.ssl.SSLServerSocket;

/**
 * An {@link SSLServerSocket} whose socket-level methods (binding, timeouts, options, closing) go to
 * a wrapped server socket, for the wrappers that add Connect behaviour to {@code accept()} and the
 * TLS settings. It has no channel: accepting through the wrapped socket's would bypass the wrapper.
 *
 * @param <S> the type of the wrapped server socket
 */
public abstract class ForwardingSslServerSocket<S extends ServerSocket> extends SSLServerSocket {
  private final S delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the server socket that binds and accepts
   * @throws IOException never in practice: the unbound super constructor declares it
   */
  protected ForwardingSslServerSocket(S delegate) throws IOException {
    super();
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /** The wrapped server socket. */
  protected final S delegate() {
    return delegate;
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
}
