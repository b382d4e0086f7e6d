package dev.connectnative.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-per-connection {@link Protocol} server on a loopback port, for plain and {@code
 * SSLServerSocket} paths and as the backend behind sidecars. TLS handshakes run on the connection
 * thread, never on the accept thread. {@link #close()} stops accepting and closes the pool.
 */
final class BlockingServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlockingServer.class);

  private final ServerSocket serverSocket;
  private final Consumer<Socket> configure;
  private final ExecutorService workers;
  private final Thread acceptor;

  /**
   * Serves on {@code serverSocket} (bound, e.g. by {@link #bind}); {@code configure} runs on every
   * accepted socket before its first byte is read.
   */
  BlockingServer(String name, ServerSocket serverSocket, Consumer<Socket> configure) {
    this.serverSocket = serverSocket;
    this.configure = configure;
    AtomicInteger ids = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> daemon(r, "bench-" + name + "-conn-" + ids.incrementAndGet()));
    this.acceptor = daemon(this::acceptLoop, "bench-" + name + "-accept");
    acceptor.start();
  }

  /** A server socket from {@code factory} on an ephemeral loopback port. */
  static ServerSocket bind(ServerSocketFactory factory) throws IOException {
    return factory.createServerSocket(0, 1024, InetAddress.getLoopbackAddress());
  }

  static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!serverSocket.isClosed()) {
          log.warn("accept failed on {}", address(), e);
        }
        return;
      }
      workers.execute(() -> handle(socket));
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      configure.accept(socket);
      Protocol.serve(socket.getInputStream(), socket.getOutputStream());
    } catch (SocketException e) {
      log.debug("connection ended: {}", e.toString());
    } catch (IOException | UncheckedIOException e) {
      log.debug("connection failed", e);
    }
  }

  @Override
  public void close() {
    try {
      serverSocket.close();
    } catch (IOException e) {
      log.debug("closing {} failed", address(), e);
    }
    workers.shutdownNow();
  }
}
