package dev.connectnative.internal.net;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a socket whose TLS handshake is still running when its deadline passes. The socket read
 * timeout alone does not bound a handshake: a peer that sends a byte now and then resets it.
 */
final class HandshakeDeadline implements AutoCloseable {
  private final AtomicBoolean expired = new AtomicBoolean();
  private final ScheduledFuture<?> timer;

  private HandshakeDeadline(ScheduledExecutorService scheduler, Socket socket, Duration timeout) {
    ScheduledFuture<?> scheduled;
    if (scheduler == null) {
      this.timer = null;
      return;
    }
    try {
      scheduled =
          scheduler.schedule(
              () -> {
                expired.set(true);
                try {
                  socket.close();
                } catch (IOException e) {
                  // The socket is unusable either way; the handshake thread reports the timeout.
                }
              },
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      scheduled = null;
    }
    this.timer = scheduled;
  }

  /**
   * Starts the clock. Without a scheduler, or if it no longer accepts tasks (the service is
   * closing), only the socket read timeout bounds the handshake.
   */
  static HandshakeDeadline arm(
      ScheduledExecutorService scheduler, Socket socket, Duration timeout) {
    return new HandshakeDeadline(scheduler, socket, timeout);
  }

  /** Whether the deadline passed and the socket was closed. */
  boolean expired() {
    return expired.get();
  }

  /** Stops the clock; the handshake is over. */
  @Override
  public void close() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
