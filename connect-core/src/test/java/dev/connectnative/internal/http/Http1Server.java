package dev.connectnative.internal.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.net.AcceptPolicy;
import dev.connectnative.internal.net.ConnectEvents;
import dev.connectnative.internal.net.ConnectServerSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny HTTP/1.1 server on a Connect server socket (no ALPN): keep-alive, Content-Length bodies.
 * Every response body is {@code <method> <path> host=<Host> conn=<n> client=<spiffe id>
 * serial=<client leaf serial> body=<request body>}; it answers 200 to everything, requests for
 * {@code /hold...} once {@link #gate} opens, and 302 to {@code <location>} for {@code
 * /redirect?to=<location>}. Records connection counts and server-side failures.
 */
final class Http1Server implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  final ServerSocket socket;
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

  /** Requests whose path starts with {@code /hold} are received, then answered once this opens. */
  final CountDownLatch gate = new CountDownLatch(1);

  /** Counts down when a {@code /hold} request has been received. */
  final CountDownLatch held = new CountDownLatch(1);

  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "http1-test-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  Http1Server(Node node) throws IOException {
    this(node, node.context);
  }

  Http1Server(Node node, SSLContext context) throws IOException {
    this(
        new ConnectServerSocket(
            new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
            context.getSocketFactory(),
            allowAll(node.name)));
  }

  private static AcceptPolicy allowAll(String target) {
    return new AcceptPolicy(
        target,
        request -> CompletableFuture.completedFuture(AuthorizationDecision.allow("test")),
        new LiveConnections(ConnectEvents.NONE),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        ConnectEvents.NONE);
  }

  /** Serves on a Connect server socket made elsewhere, e.g. by {@code ConnectService}. */
  Http1Server(ServerSocket connectServerSocket) {
    socket = connectServerSocket;
    pool.execute(this::acceptLoop);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        int id = connections.incrementAndGet();
        pool.execute(() -> serve(accepted, id));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          failures.add(e);
        }
      }
    }
  }

  private void serve(Socket accepted, int id) {
    try (accepted) {
      InputStream in = new BufferedInputStream(accepted.getInputStream());
      OutputStream out = accepted.getOutputStream();
      while (true) {
        String requestLine = line(in);
        if (requestLine == null) {
          return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
          int colon = h.indexOf(':');
          headers.put(
              h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), UTF_8);
        requests.incrementAndGet();
        SSLSocket ssl = (SSLSocket) accepted;
        X509Certificate leaf = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
        String[] parts = requestLine.split(" ");
        if (parts[1].startsWith("/hold")) {
          held.countDown();
          if (!gate.await(10, TimeUnit.SECONDS)) {
            throw new IOException("the gate of " + parts[1] + " never opened");
          }
        }
        String text =
            parts[0]
                + " "
                + parts[1]
                + " host="
                + headers.get("host")
                + " conn="
                + id
                + " client="
                + ConnectIdentity.of(ssl.getSession())
                + " serial="
                + leaf.getSerialNumber().toString(16)
                + " body="
                + body;
        byte[] bytes = text.getBytes(UTF_8);
        String status = "200 OK";
        if (parts[1].startsWith("/redirect?to=")) {
          status = "302 Found\r\nLocation: " + parts[1].substring("/redirect?to=".length());
        }
        out.write(
            ("HTTP/1.1 "
                    + status
                    + "\r\nContent-Type: text/plain\r\nContent-Length: "
                    + bytes.length
                    + "\r\n\r\n")
                .getBytes(UTF_8));
        out.write(bytes);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = buffer.toString(UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buffer.write(b);
    }
    return buffer.size() == 0 ? null : buffer.toString(UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
