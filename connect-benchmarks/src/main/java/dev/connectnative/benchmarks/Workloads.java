package dev.connectnative.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two measured workloads. Each returns one {@link Sample}; none asserts anything timed. */
final class Workloads {
  private static final Logger log = LoggerFactory.getLogger(Workloads.class);
  static final int ECHO_BYTES = 32;

  private Workloads() {}

  /** What one measurement counted: work units (bytes or connections) and what they cost. */
  record Sample(long units, long wallNanos, long cpuNanos, long errors) {
    double perSecond() {
      return units * 1e9 / wallNanos;
    }

    double cpuNanosPerUnit() {
      return units == 0 ? Double.NaN : (double) cpuNanos / units;
    }
  }

  /**
   * Bulk: one connection (set up outside the measurement) streams {@code bytes} one way; the
   * server's count at the end closes the measurement.
   */
  static Sample bulk(Path path, long bytes) throws IOException {
    byte[] chunk = new byte[Protocol.CHUNK];
    ThreadLocalRandom.current().nextBytes(chunk);
    try (Conn conn = path.connect()) {
      Protocol.echo(conn, new byte[ECHO_BYTES]);
      List<Long> pids = path.helperPids();
      long cpu0 = Cpu.nanos(pids);
      long t0 = System.nanoTime();
      Protocol.sink(conn, bytes, chunk);
      long wall = System.nanoTime() - t0;
      long cpu = Cpu.nanos(pids) - cpu0;
      return new Sample(bytes, wall, cpu, 0);
    }
  }

  /**
   * New connections: {@code clients} threads each loop connect (full handshake unless the path
   * resumes), one {@value #ECHO_BYTES}-byte echo, close, until {@code duration} has passed. Failed
   * connections are counted as errors, not as work.
   */
  static Sample connections(Path path, int clients, Duration duration) {
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long[] deadline = new long[1];
    for (int i = 0; i < clients; i++) {
      Thread thread =
          BlockingServer.daemon(
              () -> {
                byte[] payload = new byte[ECHO_BYTES];
                ThreadLocalRandom.current().nextBytes(payload);
                awaitQuietly(start);
                while (System.nanoTime() < deadline[0]) {
                  try (Conn conn = path.connect()) {
                    Protocol.echo(conn, payload);
                    done.incrementAndGet();
                  } catch (IOException | RuntimeException e) {
                    if (errors.getAndIncrement() == 0) {
                      log.warn("{}: connection failed", path.name(), e);
                    }
                  }
                }
              },
              "bench-client-" + i);
      thread.start();
      threads.add(thread);
    }
    List<Long> pids = path.helperPids();
    long cpu0 = Cpu.nanos(pids);
    long t0 = System.nanoTime();
    deadline[0] = t0 + duration.toNanos();
    start.countDown();
    for (Thread thread : threads) {
      joinQuietly(thread);
    }
    long wall = System.nanoTime() - t0;
    long cpu = Cpu.nanos(pids) - cpu0;
    return new Sample(done.get(), wall, cpu, errors.get());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
