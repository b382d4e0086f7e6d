package dev.connectnative.netty.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The thread pools the adapter starts when the caller passes none. */
public final class TlsExecutors {
  private TlsExecutors() {}

  /**
   * A pool of daemon threads named {@code connect-netty-<service>-<n>} for TLS delegated tasks
   * (certificate checks, key operations) and authorization calls, one thread per core.
   */
  public static ExecutorService newPool(String service) {
    AtomicInteger count = new AtomicInteger();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(
        threads,
        task -> {
          Thread thread =
              new Thread(task, "connect-netty-" + service + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
