package dev.connectnative.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** A {@link Conn} over a blocking {@link Socket} (plain or {@link SSLSocket}). */
final class SocketConn implements Conn {
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int READ_TIMEOUT_MS = 30_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private SocketConn(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects the unconnected {@code socket}; for TLS sockets the handshake completes before
   * returning. Connecting gives up after 10 s, each read after 30 s. The socket is closed if
   * anything fails.
   */
  static SocketConn open(Socket socket, InetSocketAddress address) throws IOException {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.connect(address, CONNECT_TIMEOUT_MS);
      if (socket instanceof SSLSocket tls) {
        tls.startHandshake();
      }
      return new SocketConn(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Wraps a socket that is already connected (and, for TLS, handshaken). */
  static SocketConn connected(Socket socket) throws IOException {
    try {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      return new SocketConn(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
