package dev.connectnative;

import java.util.Optional;

/**
 * Where a service's identity comes from: trust roots and its own leaf certificate.
 *
 * <p>The default source follows the local Consul agent; {@link StaticIdentitySource} serves fixed
 * material (files, tests). The TLS key and trust managers read {@link #current()} once per
 * handshake, so a new snapshot takes effect on the next handshake without rebuilding anything.
 *
 * <p>Implementations are thread-safe. {@link #close()} is idempotent and stops every thread the
 * source started; after it, {@link #current()} keeps returning the last snapshot.
 */
public interface IdentitySource extends AutoCloseable {

  /**
   * Returns the snapshot in effect.
   *
   * @return the current snapshot, empty until both roots and leaf are known
   */
  Optional<IdentitySnapshot> current();

  /**
   * Registers a listener called after each change and on fetch failures and recoveries. It is not
   * called for the snapshot already in effect when it is added (read {@link #current()} for that),
   * but a source that is failing when the listener is added calls its {@link
   * IdentityListener#onError(ConnectException)} at once with the failure in effect. See {@link
   * IdentityListener} for the calling thread.
   *
   * @param listener the listener
   * @throws NullPointerException if {@code listener} is null
   */
  void addListener(IdentityListener listener);

  /**
   * Reports what the source has and the last error it met.
   *
   * @return the status
   */
  IdentityStatus status();

  /** Stops the source and its threads. Idempotent; never throws a checked exception. */
  @Override
  void close();
}
