package dev.connectnative.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.Provider;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Blocking sockets on both ends: plain TCP, or {@code SSLSocket} mutual TLS 1.3 (client certificate
 * required) from one JSSE provider, with static certificates.
 */
final class SocketPath implements Path, CountsHandshakes {
  private final String name;
  private final ServerSocketFactory serverFactory;
  private final SocketFactory clientFactory;
  private final Consumer<Socket> configureAccepted;
  private final LongAdder clientChecks;
  private BlockingServer server;

  private SocketPath(
      String name,
      ServerSocketFactory serverFactory,
      SocketFactory clientFactory,
      Consumer<Socket> configureAccepted,
      LongAdder clientChecks) {
    this.name = name;
    this.serverFactory = serverFactory;
    this.clientFactory = clientFactory;
    this.configureAccepted = configureAccepted;
    this.clientChecks = clientChecks;
  }

  static SocketPath plain() {
    return new SocketPath(
        Paths.PLAIN,
        ServerSocketFactory.getDefault(),
        SocketFactory.getDefault(),
        s -> {},
        new LongAdder());
  }

  /**
   * Mutual TLS with {@code provider} on both ends ({@code null}: the JDK's SunJSSE); {@code
   * configureAccepted} runs on each accepted socket, e.g. to turn off session tickets.
   */
  static SocketPath mutualTls(
      String name, Pki pki, Provider provider, Consumer<Socket> configureAccepted) {
    LongAdder clientChecks = new LongAdder();
    SSLContext server = TlsContexts.mutual(pki, "server", provider, clientChecks);
    SSLContext client = TlsContexts.mutual(pki, "client", provider);
    return new SocketPath(
        name,
        server.getServerSocketFactory(),
        client.getSocketFactory(),
        configureAccepted,
        clientChecks);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long fullHandshakes() {
    return clientChecks.sum();
  }

  @Override
  public InetSocketAddress start() throws IOException {
    ServerSocket socket = BlockingServer.bind(serverFactory);
    if (socket instanceof SSLServerSocket tls) {
      tls.setEnabledProtocols(TlsContexts.TLS13);
      tls.setNeedClientAuth(true);
    }
    server = new BlockingServer(name, socket, configureAccepted);
    return server.address();
  }

  @Override
  public Conn connect() throws IOException {
    InetSocketAddress address = server.address();
    Socket socket = clientFactory.createSocket();
    if (socket instanceof SSLSocket tls) {
      tls.setEnabledProtocols(TlsContexts.TLS13);
    }
    return SocketConn.open(socket, address);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
