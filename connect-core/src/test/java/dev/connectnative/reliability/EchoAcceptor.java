package dev.connectnative.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a Connect server socket: one thread accepts, one thread per connection echoes every byte
 * back (its first read runs handshake and authorization). Server-side failures are kept.
 */
final class EchoAcceptor implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
  final AtomicInteger served = new AtomicInteger();
  private final ServerSocket server;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "reliability-echo-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  EchoAcceptor(ServerSocket server) {
    this.server = server;
    pool.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket accepted = server.accept();
        pool.execute(() -> echo(accepted));
      } catch (IOException e) {
        if (!server.isClosed()) {
          failures.add(e);
        }
      }
    }
  }

  private void echo(Socket accepted) {
    try (accepted) {
      InputStream in = accepted.getInputStream();
      OutputStream out = accepted.getOutputStream();
      byte[] buffer = new byte[4096];
      boolean counted = false;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (!counted) {
          served.incrementAndGet();
          counted = true;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
