package dev.connectnative.internal.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/** Creates {@link InstanceSocket}s for OkHttp, which connects them itself. Thread-safe. */
final class InstanceSocketFactory extends SocketFactory {
  private final InstanceRegistry registry;
  private final boolean passthrough;

  InstanceSocketFactory(InstanceRegistry registry, boolean passthrough) {
    this.registry = registry;
    this.passthrough = passthrough;
  }

  @Override
  public Socket createSocket() {
    return new InstanceSocket(registry, passthrough);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(host, port), localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port), localAddress, localPort);
  }

  private Socket connected(InetSocketAddress to) throws IOException {
    InstanceSocket socket = new InstanceSocket(registry, passthrough);
    try {
      socket.connect(to);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  private Socket connected(InetSocketAddress to, InetAddress localAddress, int localPort)
      throws IOException {
    InstanceSocket socket = new InstanceSocket(registry, passthrough);
    try {
      socket.bind(new InetSocketAddress(localAddress, localPort));
      socket.connect(to);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return socket;
  }
}
