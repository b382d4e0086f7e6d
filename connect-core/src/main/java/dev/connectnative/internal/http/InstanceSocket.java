package dev.connectnative.internal.http;

import dev.connectnative.ServiceInstance;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A plain socket that connects to the instance an OkHttp route stands for (see {@link
 * InstanceRegistry}), at the instance's own port. A socket connected to an instance refuses to
 * carry bytes until {@link ConnectSslSocketFactory} has put TLS on it, so an {@code http://} URL
 * can never send plaintext to a Connect service. Addresses that stand for no instance are refused
 * unless passthrough is on.
 */
final class InstanceSocket extends Socket {
  private final InstanceRegistry registry;
  private final boolean passthrough;
  private volatile ServiceInstance instance;
  private volatile boolean tls;

  InstanceSocket(InstanceRegistry registry, boolean passthrough) {
    this.registry = registry;
    this.passthrough = passthrough;
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (!(endpoint instanceof InetSocketAddress address)) {
      throw new SocketException("unsupported address type: " + endpoint);
    }
    ServiceInstance target = registry.instance(address).orElse(null);
    if (target == null) {
      if (!passthrough) {
        throw new SocketException(
            "refusing to connect to "
                + address
                + ": it is not a discovered Connect instance and passthrough is off");
      }
      super.connect(endpoint, timeout);
      return;
    }
    instance = target;
    InetAddress ip = InetAddress.getByAddress(address.getAddress().getAddress());
    super.connect(new InetSocketAddress(ip, target.port()), timeout);
  }

  /** The instance this socket is connected to, or {@code null} for a passthrough connection. */
  ServiceInstance instance() {
    return instance;
  }

  /** Marks that TLS is being put on this socket, which may now carry (encrypted) bytes. */
  void tlsLayered() {
    tls = true;
  }

  /** Returns the socket's input, which refuses to read plaintext from an instance. */
  @Override
  public InputStream getInputStream() throws IOException {
    return new FilterInputStream(super.getInputStream()) {
      @Override
      public int read() throws IOException {
        checkTls();
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        checkTls();
        return super.read(b, off, len);
      }
    };
  }

  /** Returns the socket's output, which refuses to write plaintext to an instance. */
  @Override
  public OutputStream getOutputStream() throws IOException {
    return new FilterOutputStream(super.getOutputStream()) {
      @Override
      public void write(int b) throws IOException {
        checkTls();
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        checkTls();
        out.write(b, off, len);
      }
    };
  }

  private void checkTls() throws SocketException {
    ServiceInstance target = instance;
    if (target != null && !tls) {
      throw new SocketException(
          "refusing plaintext to "
              + target.service()
              + " at "
              + target.address()
              + ": Connect traffic is always TLS, use an https:// URL");
    }
  }
}
