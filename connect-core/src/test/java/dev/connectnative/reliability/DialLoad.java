package dev.connectnative.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import dev.connectnative.ConnectService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * Good clients: threads that dial {@code echo} through a service and exchange bytes in a loop until
 * {@link #stop()}, counting connections, round trips and failures.
 */
final class DialLoad {
  /** One completed connection: when its dial began and which leaves its handshake used. */
  record Handshake(long startNanos, Certificate server, Certificate client) {}

  final AtomicLong connections = new AtomicLong();
  final AtomicLong roundTrips = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final Queue<String> failureMessages = new ConcurrentLinkedQueue<>();
  final Queue<Handshake> handshakes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final ConnectService client;
  private final int roundTripsPerConnection;

  DialLoad(ConnectService client, int roundTripsPerConnection, int threadCount) {
    this.client = client;
    this.roundTripsPerConnection = roundTripsPerConnection;
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::run, "reliability-load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void run() {
    byte[] payload = "0123456789abcdef".getBytes(UTF_8);
    while (running.get()) {
      long start = System.nanoTime();
      try (SSLSocket socket = client.dial("echo")) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < roundTripsPerConnection; i++) {
          out.write(payload);
          out.flush();
          byte[] back = in.readNBytes(payload.length);
          if (!Arrays.equals(back, payload)) {
            throw new IOException("echo answered " + back.length + " unexpected bytes");
          }
          roundTrips.incrementAndGet();
        }
        handshakes.add(
            new Handshake(
                start,
                socket.getSession().getPeerCertificates()[0],
                socket.getSession().getLocalCertificates()[0]));
        connections.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        if (failureMessages.size() < 10) {
          failureMessages.add(e.toString());
        }
      }
    }
  }

  /** Waits for {@code more} further connections, or for the first failure. */
  void awaitMoreConnections(long more, Duration atMost) {
    long target = connections.get() + more;
    await().atMost(atMost).until(() -> connections.get() >= target || failures.get() > 0);
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(20_000);
    }
  }
}
