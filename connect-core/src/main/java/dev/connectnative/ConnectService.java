package dev.connectnative;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One service in the Connect mesh: its identity, followed from the local Consul agent (or another
 * {@link IdentitySource}), and the JSSE objects that terminate mutual TLS with it.
 *
 * <pre>{@code
 * try (ConnectService web = Connect.service("web").build()) {
 *   web.awaitReady(Duration.ofSeconds(10));
 *   SSLContext tls = web.sslContext();
 * }
 * }</pre>
 *
 * <p>The {@link SSLContext} is built once and never rebuilt: its key and trust managers read the
 * current identity on every handshake, so rotations reach new connections while open connections
 * carry on. Every connection made with it uses TLS 1.3 or 1.2, requires a client certificate in
 * server mode and performs a full handshake (no session resumption). A client-side handshake must
 * know which service it means to reach; connections that do not declare one are refused.
 *
 * <p>Implementations are thread-safe. {@link #close()} is idempotent and stops every thread the
 * service started; an executor or identity source passed to the builder is not closed.
 */
public interface ConnectService extends AutoCloseable {

  /**
   * Returns the service name this service acts as, as registered with Consul.
   *
   * @return the name, e.g. {@code web}
   */
  String name();

  /**
   * Tells whether trust roots and a leaf certificate are present, so handshakes can succeed.
   *
   * @return {@code true} when ready
   */
  boolean isReady();

  /**
   * Waits until the service is ready.
   *
   * @param timeout the longest time to wait
   * @throws NotReadyException if not ready within {@code timeout} (or the thread was interrupted,
   *     in which case its interrupt flag is set again); the message names what is missing and the
   *     agent's last answer, the cause is the last agent error if any
   */
  void awaitReady(Duration timeout);

  /**
   * Returns the identity in effect: trust bundle, leaf and revision.
   *
   * @return the current snapshot
   * @throws NotReadyException if the service is not ready yet
   */
  IdentitySnapshot identity();

  /**
   * Reports what the service has and the last error met while fetching its identity.
   *
   * @return the status
   */
  IdentityStatus status();

  /**
   * Returns the service's TLS context, built once with {@link #keyManager()} and {@link
   * #trustManager()}.
   *
   * @return the context; the same instance for the whole life of the service
   */
  SSLContext sslContext();

  /**
   * Returns the key manager presenting this service's current leaf (alias {@code "leaf-" +
   * revision}), for frameworks that build their own TLS context (e.g. Netty with OpenSSL).
   *
   * @return the key manager
   */
  X509ExtendedKeyManager keyManager();

  /**
   * Returns the trust manager validating peers against the current roots, for frameworks that build
   * their own TLS context.
   *
   * @return the trust manager
   */
  X509ExtendedTrustManager trustManager();

  /** Stops the service's watches and threads. Idempotent; open connections are not closed. */
  @Override
  void close();
}
