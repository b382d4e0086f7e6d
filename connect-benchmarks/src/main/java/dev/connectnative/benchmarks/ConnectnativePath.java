package dev.connectnative.benchmarks;

import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLSocket;

/**
 * connectnative on both ends over blocking sockets: the client dials with {@link
 * ConnectService#dial(String)} (warm discovery, expected identity checked in the handshake), the
 * server accepts on {@link ConnectService#serverSocket(ServerSocket)} (handshake, then
 * authorization of the client before the first byte), both against an in-process dev agent.
 *
 * <p>With {@code uncached}, the server's authorization cache is emptied before every connection, so
 * each accepted client costs an agent round trip; otherwise the cache is warm after the first
 * connection.
 */
final class ConnectnativePath implements Path {
  private final String name;
  private final UnaryOperator<Connect.Builder> configure;
  private final boolean uncached;
  private Mesh mesh;
  private BlockingServer server;

  ConnectnativePath(String name, UnaryOperator<Connect.Builder> configure, boolean uncached) {
    this.name = name;
    this.configure = configure;
    this.uncached = uncached;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean bulk() {
    return !uncached;
  }

  /** The agent and services; valid after {@link #start()}. */
  Mesh mesh() {
    return mesh;
  }

  @Override
  public InetSocketAddress start() throws IOException {
    mesh = Mesh.start(configure);
    ServerSocket socket =
        mesh.server.serverSocket(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()));
    server = new BlockingServer(name, socket, s -> {});
    mesh.registerServer(server.address().getPort());
    connect().close();
    return server.address();
  }

  @Override
  public Conn connect() throws IOException {
    if (uncached) {
      mesh.server.authorizer().invalidateAll();
    }
    SSLSocket socket = mesh.client.dial(Mesh.SERVER);
    return SocketConn.connected(socket);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (mesh != null) {
      mesh.close();
    }
  }
}
