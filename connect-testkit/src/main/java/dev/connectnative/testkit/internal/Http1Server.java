package dev.connectnative.testkit.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on a loopback {@link ServerSocket}: one acceptor thread and a bounded
 * pool of worker threads, one connection per worker at a time, with keep-alive. Answers come from
 * an {@link HttpFront} and are written by a {@link ResponseWriter}; a reset fault ends the
 * connection with a TCP RST ({@code SO_LINGER} 0).
 *
 * <p>Threads are daemons named {@code connect-devagent-accept-<port>} and {@code
 * connect-devagent-http-<port>-<n>}. {@link #close()} frees the port at once, closes idle
 * connections, lets the requests in progress finish for a short grace period, then closes the rest
 * and waits for every thread to end; it is idempotent.
 */
public final class Http1Server implements AutoCloseable {
  /** How many connections are served at once; more wait until a worker is free. */
  static final int MAX_WORKERS = 256;

  /** How long an idle keep-alive connection or a half-sent request is kept. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Http1Server.class);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final int BACKLOG = 128;

  private final HttpFront front;
  private final ResponseWriter writer;
  private final ServerSocket listener;
  private final ThreadPoolExecutor workers;
  private final Thread acceptor;
  private final Map<Socket, AtomicBoolean> connections = new ConcurrentHashMap<>();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Http1Server(HttpFront front, Clock clock, ServerSocket listener) {
    this.front = front;
    this.writer = new ResponseWriter(clock);
    this.listener = listener;
    int port = listener.getLocalPort();
    AtomicInteger count = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            MAX_WORKERS,
            MAX_WORKERS,
            IDLE_TIMEOUT.toSeconds(),
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> worker(r, "connect-devagent-http-" + port + "-" + count.incrementAndGet()));
    workers.allowCoreThreadTimeOut(true);
    this.acceptor = daemon(this::acceptLoop, "connect-devagent-accept-" + port);
  }

  /**
   * Binds {@code 127.0.0.1:port} (0 for an ephemeral port) and starts serving.
   *
   * @param front answers requests
   * @param clock stamps the {@code Date} header
   * @param port the port, 0 for any
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  public static Http1Server start(HttpFront front, Clock clock, int port) throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    Http1Server server = new Http1Server(front, clock, listener);
    server.acceptor.start();
    return server;
  }

  /** Returns the bound port. */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Stops serving: closes the port, idle connections at once and busy ones after {@link #GRACE},
   * and waits for the acceptor and every worker to end.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(listener);
    connections.forEach(
        (socket, busy) -> {
          if (!busy.get()) {
            closeQuietly(socket);
          }
        });
    workers.shutdown();
    try {
      if (!workers.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        connections.keySet().forEach(Http1Server::closeQuietly);
        workers.shutdownNow();
        if (!workers.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("dev agent HTTP workers still running after close: {}", workers);
        }
      }
      acceptor.join(GRACE.toMillis());
      for (Thread thread : threads) {
        thread.join(GRACE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connections.keySet().forEach(Http1Server::closeQuietly);
      workers.shutdownNow();
    }
  }

  private void acceptLoop() {
    while (!closed.get()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.warn("dev agent stopped accepting connections: {}", e.toString());
        }
        return;
      }
      AtomicBoolean busy = new AtomicBoolean();
      connections.put(socket, busy);
      try {
        workers.execute(() -> serve(socket, busy));
      } catch (RejectedExecutionException e) {
        connections.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket, AtomicBoolean busy) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      RequestReader reader = new RequestReader(in, out);
      boolean open = true;
      while (open) {
        busy.set(false);
        if (closed.get()) {
          return;
        }
        open = exchange(socket, reader, out, busy);
      }
    } catch (SocketTimeoutException e) {
      LOG.debug("dev agent closed an idle connection");
    } catch (IOException e) {
      LOG.debug("dev agent connection ended: {}", e.toString());
    } finally {
      connections.remove(socket);
    }
  }

  /** Serves one request; tells whether the connection stays open for the next. */
  private boolean exchange(
      Socket socket, RequestReader reader, OutputStream out, AtomicBoolean busy)
      throws IOException {
    Optional<RequestReader.Incoming> next;
    try {
      next = reader.next();
    } catch (BadRequest e) {
      ResponseWriter.writeRefusal(out, e);
      return false;
    }
    if (next.isEmpty()) {
      return false;
    }
    busy.set(true);
    RequestReader.Incoming incoming = next.get();
    HttpFront.Outcome outcome = front.handle(incoming.request());
    if (outcome.resetMidBody()) {
      writer.writeTruncated(out, outcome.reply());
      socket.setSoLinger(true, 0);
      return false;
    }
    boolean keepAlive = incoming.keepAlive() && !closed.get();
    String connection = connectionHeader(incoming, keepAlive);
    writer.write(out, outcome.reply(), incoming.http10(), connection);
    return keepAlive;
  }

  /** Go answers {@code close} to an HTTP/1.1 client it hangs up on, keep-alive to 1.0 ones. */
  private static String connectionHeader(RequestReader.Incoming incoming, boolean keepAlive) {
    if (incoming.http10()) {
      return keepAlive ? "keep-alive" : "";
    }
    return keepAlive ? "" : "close";
  }

  /**
   * The pool reports termination before its threads have quite finished; they are kept here so
   * {@link #close()} can join them.
   */
  private Thread worker(Runnable task, String name) {
    threads.removeIf(t -> !t.isAlive());
    Thread thread = daemon(task, name);
    threads.add(thread);
    return thread;
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("dev agent could not close {}: {}", closeable, e.toString());
    }
  }
}
