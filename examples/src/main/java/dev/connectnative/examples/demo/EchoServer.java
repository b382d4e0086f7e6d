package dev.connectnative.examples.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * A line echo server on a Connect server socket: every line a caller sends comes back as {@code
 * <line> (echo saw you as <caller's SPIFFE id>)}.
 *
 * <p>The server socket comes from {@link ConnectService#serverSocket(ServerSocket)}, so each
 * accepted connection is mutual TLS and its caller is authorized by the intentions before the first
 * line is read; refused callers never reach {@link #handle(Socket)}'s loop. One daemon thread
 * accepts ({@code echo-accept}), one daemon thread serves each connection ({@code echo-conn-N}).
 * {@link #close()} stops accepting, closes open connections and is idempotent.
 */
public final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private EchoServer(ServerSocket server) {
    this.server = server;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread t = new Thread(task, "echo-conn-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts serving on {@code plain}, which becomes a Connect server socket of {@code service}.
   *
   * @param service the service the server acts as
   * @param plain a bound plain server socket; the echo server owns it from now on
   * @return the running server
   * @throws IOException if the Connect server socket cannot be created
   */
  public static EchoServer start(ConnectService service, ServerSocket plain) throws IOException {
    requireNonNull(service, "service");
    EchoServer echo = new EchoServer(service.serverSocket(requireNonNull(plain, "plain")));
    Thread acceptor = new Thread(echo::acceptLoop, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return echo;
  }

  /**
   * Returns the local port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Returns the reply the server gives to {@code line} from {@code caller}.
   *
   * @param line the line sent
   * @param caller the caller's identity
   * @return the reply line
   */
  public static String reply(String line, ServiceIdentity caller) {
    return line + " (echo saw you as " + caller + ")";
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.add(socket);
        threads.execute(() -> handle(socket));
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void handle(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
        PrintWriter out = new PrintWriter(socket.getOutputStream(), true, UTF_8)) {
      String line = in.readLine();
      ServiceIdentity caller = ConnectIdentity.of(((SSLSocket) socket).getSession());
      while (line != null) {
        out.println(reply(line, caller));
        line = in.readLine();
      }
    } catch (IOException e) {
      // A refused or revoked caller (the service's listener is told why), or one that went away.
    } finally {
      open.remove(socket);
    }
  }

  /** Stops accepting and closes every open connection. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway; the port is released either way.
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // Already broken; nothing more to release.
      }
    }
    threads.shutdownNow();
  }
}
