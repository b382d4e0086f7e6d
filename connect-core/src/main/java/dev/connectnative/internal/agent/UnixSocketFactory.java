package dev.connectnative.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * Makes {@link Socket}s that connect to one unix domain socket whatever address they are asked to
 * connect to, so that OkHttp can speak HTTP over {@code unix:///path}. JDK 17's unix {@link
 * SocketChannel} has no {@code socket()} adaptor, hence this small one.
 */
final class UnixSocketFactory extends SocketFactory {
  private final Path path;

  UnixSocketFactory(Path path) {
    this.path = path;
  }

  @Override
  public Socket createSocket() {
    return new UnixSocket(path);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected();
  }

  private Socket connected() throws IOException {
    UnixSocket s = new UnixSocket(path);
    s.connect(null, 0);
    return s;
  }

  /** A blocking {@link Socket} over a unix {@link SocketChannel}. */
  private static final class UnixSocket extends Socket {
    private final Path path;
    private SocketChannel channel;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private boolean closed;
    private int soTimeout;

    UnixSocket(Path path) {
      this.path = path;
    }

    @Override
    public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
      if (closed) {
        throw new IOException("socket closed");
      }
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(path));
      } catch (IOException e) {
        ch.close();
        throw new IOException("cannot connect to unix socket " + path + ": " + e.getMessage(), e);
      }
      channel = ch;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    @Override
    public synchronized boolean isConnected() {
      return channel != null && channel.isConnected();
    }

    @Override
    public synchronized boolean isClosed() {
      return closed;
    }

    @Override
    public synchronized boolean isInputShutdown() {
      return inputShutdown;
    }

    @Override
    public synchronized boolean isOutputShutdown() {
      return outputShutdown;
    }

    @Override
    public synchronized void shutdownInput() throws IOException {
      inputShutdown = true;
      if (channel != null) {
        channel.shutdownInput();
      }
    }

    @Override
    public synchronized void shutdownOutput() throws IOException {
      outputShutdown = true;
      if (channel != null) {
        channel.shutdownOutput();
      }
    }

    @Override
    public synchronized void setSoTimeout(int timeout) {
      // Read timeouts are enforced by Okio's watchdog, which closes the socket.
      this.soTimeout = timeout;
    }

    @Override
    public synchronized int getSoTimeout() {
      return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
      // not applicable to unix sockets
    }

    @Override
    public InetAddress getInetAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public InputStream getInputStream() throws IOException {
      SocketChannel ch = requireChannel();
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          return ch.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
          UnixSocket.this.close();
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      SocketChannel ch = requireChannel();
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ByteBuffer buf = ByteBuffer.wrap(b, off, len);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }

        @Override
        public void close() throws IOException {
          UnixSocket.this.close();
        }
      };
    }

    private synchronized SocketChannel requireChannel() throws IOException {
      if (channel == null) {
        throw new IOException("unix socket " + path + " is not connected");
      }
      return channel;
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      if (channel != null) {
        channel.close();
      }
    }

    @Override
    public String toString() {
      return "UnixSocket[" + path + "]";
    }
  }
}
