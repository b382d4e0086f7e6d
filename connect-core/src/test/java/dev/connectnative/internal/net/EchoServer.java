package dev.connectnative.internal.net;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.ServiceIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A Connect echo server on loopback: one thread accepts, one thread per connection reads (which
 * runs handshake and authorization) and echoes. Records the identity of each accepted client and
 * every server-side failure.
 */
final class EchoServer implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  final ConnectServerSocket socket;
  final BlockingQueue<ServiceIdentity> clients = new LinkedBlockingQueue<>();
  final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
  final AtomicInteger bytesRead = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "echo-test-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  EchoServer(MeshService service, AcceptPolicy policy) throws IOException {
    this(service.context, policy);
  }

  EchoServer(SSLContext context, AcceptPolicy policy) throws IOException {
    socket =
        new ConnectServerSocket(
            new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
            context.getSocketFactory(),
            policy);
    pool.execute(this::acceptLoop);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        pool.execute(() -> handle(accepted));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          failures.add(e);
        }
      }
    }
  }

  private void handle(Socket accepted) {
    try (accepted) {
      InputStream in = accepted.getInputStream();
      OutputStream out = accepted.getOutputStream();
      int first = in.read();
      clients.add(ConnectIdentity.of(((SSLSocket) accepted).getSession()));
      int b = first;
      while (b >= 0) {
        bytesRead.incrementAndGet();
        out.write(b);
        if (in.available() == 0) {
          out.flush();
        }
        b = in.read();
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
