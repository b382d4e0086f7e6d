package dev.connectnative.benchmarks;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLSocket;

/**
 * connectnative on both ends over blocking sockets: the client dials with {@link
 * ConnectService#dial(String)} (warm discovery, expected identity checked in the handshake), the
 * server accepts on {@link ConnectService#serverSocket(ServerSocket)} (handshake, then
 * authorization of the client before the first byte), both against an in-process dev agent.
 *
 * <p>Dials resume client sessions by default ({@link Mode#RESUMED}). {@link Mode#FULL} makes every
 * handshake a full one the way the bare paths do, with resumption turned off on both services
 * ({@code Connect.Builder#sessionResumption(false)}). {@link Mode#FULL_UNCACHED} also empties the
 * server's authorization cache before every connection, so each accepted client costs an agent
 * round trip.
 *
 * <p>Full handshakes are counted from the server's authorization events: the accept path authorizes
 * every connection, and a full handshake is authorized once more inside the handshake.
 */
final class ConnectnativePath implements Path, CountsHandshakes {

  /** How connections are set up. */
  enum Mode {
    FULL,
    FULL_UNCACHED,
    RESUMED
  }

  private final String name;
  private final UnaryOperator<Connect.Builder> configure;
  private final Mode mode;
  private final AtomicLong authorizations = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private Mesh mesh;
  private BlockingServer server;

  ConnectnativePath(String name, UnaryOperator<Connect.Builder> configure, Mode mode) {
    this.name = name;
    this.configure = configure;
    this.mode = mode;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean bulk() {
    return mode == Mode.FULL;
  }

  @Override
  public long fullHandshakes() {
    return authorizations.get() - accepted.get();
  }

  /** The agent and services; valid after {@link #start()}. */
  Mesh mesh() {
    return mesh;
  }

  @Override
  public InetSocketAddress start() throws IOException {
    mesh =
        Mesh.start(
            mode == Mode.RESUMED ? configure : b -> configure.apply(b).sessionResumption(false),
            new Counting());
    ServerSocket socket =
        mesh.server.serverSocket(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()));
    server = new BlockingServer(name, socket, s -> {});
    mesh.registerServer(server.address().getPort());
    // With TLS 1.3 the server checks the client after the client's handshake is done. Without
    // resumption, a round trip makes sure the server has authorized and counted the warm-up
    // connection, so resetting the counters cannot cut its events in two. With resumption the
    // warm-up stays a bare handshake: a round trip would also deliver its session ticket, and the
    // first measured connection is meant to be a full handshake.
    try (Conn warmUp = connect()) {
      if (mode != Mode.RESUMED) {
        Protocol.echo(warmUp, new byte[1]);
      }
    }
    authorizations.set(0);
    accepted.set(0);
    return server.address();
  }

  @Override
  public Conn connect() throws IOException {
    if (mode == Mode.FULL_UNCACHED) {
      mesh.server.authorizer().invalidateAll();
    }
    SSLSocket socket = mesh.client.dial(Mesh.SERVER);
    return SocketConn.connected(socket);
  }

  /** Counts the server's authorizations and accepted connections. */
  private final class Counting implements ConnectListener {
    @Override
    public void onAuthorizationCacheHit(AuthorizationRequest request) {
      authorizations.incrementAndGet();
    }

    @Override
    public void onAuthorizationCacheMiss(AuthorizationRequest request) {
      authorizations.incrementAndGet();
    }

    @Override
    public void onConnectionAccepted(ServiceIdentity client) {
      accepted.incrementAndGet();
    }
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
