package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.connectnative.ServiceIdentity;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLEngine;

/**
 * The service a client-side TLS connection is meant to reach, registered before the handshake and
 * read by {@link ConnectTrustManager#checkServerTrusted} inside it.
 *
 * <p>Keys are the {@link javax.net.ssl.SSLSocket} or {@link SSLEngine} objects themselves, compared
 * by identity and held weakly, so a forgotten entry disappears with its connection. When a
 * framework wraps the engine (e.g. Netty's ALPN wrappers around the JDK engine), register the
 * object the JDK passes to the trust manager, that is the innermost JDK engine. Thread-safe.
 */
public final class ExpectedPeers {
  // Maintenance (clearing collected keys) runs on the calling thread: every dial writes here, and
  // the default executor would wake a pool thread for every write.
  private static final Cache<Object, ServiceIdentity> EXPECTED =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

  private ExpectedPeers() {}

  /**
   * Declares that the handshake of {@code socket} must present {@code expected}.
   *
   * @throws IllegalStateException if another identity is already registered for it
   */
  public static void expect(Socket socket, ServiceIdentity expected) {
    register(requireNonNull(socket, "socket"), expected);
  }

  /**
   * Declares that the handshake of {@code engine} must present {@code expected}.
   *
   * @throws IllegalStateException if another identity is already registered for it
   */
  public static void expect(SSLEngine engine, ServiceIdentity expected) {
    register(requireNonNull(engine, "engine"), expected);
  }

  /** Returns the identity registered for a socket or engine. */
  public static Optional<ServiceIdentity> expected(Object socketOrEngine) {
    return socketOrEngine == null
        ? Optional.empty()
        : Optional.ofNullable(EXPECTED.getIfPresent(socketOrEngine));
  }

  /** Removes the registration of a socket or engine, if any. */
  public static void forget(Object socketOrEngine) {
    EXPECTED.invalidate(requireNonNull(socketOrEngine, "socketOrEngine"));
  }

  private static void register(Object key, ServiceIdentity expected) {
    requireNonNull(expected, "expected");
    ServiceIdentity previous = EXPECTED.asMap().putIfAbsent(key, expected);
    if (previous != null && !previous.equals(expected)) {
      throw new IllegalStateException(
          "connection already expects " + previous + ", cannot also expect " + expected);
    }
  }
}
