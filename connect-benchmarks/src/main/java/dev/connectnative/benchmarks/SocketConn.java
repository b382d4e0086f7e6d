package dev.connectnative.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** A {@link Conn} over a blocking {@link Socket} (plain or {@link SSLSocket}). */
final class SocketConn implements Conn {
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
   * returning. The socket is closed if anything fails.
   */
  static SocketConn open(Socket socket, InetSocketAddress address) throws IOException {
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address);
      if (socket instanceof SSLSocket tls) {
        tls.startHandshake();
      }
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
