package dev.connectnative.internal.net;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ServiceIdentity;

/**
 * What the dial, accept and authorization code reports, for bridging to the public listener SPI and
 * to metrics. Every method has an empty default; implementations must be fast, must not block and
 * must not throw (a throwing listener is logged and ignored by {@link SafeEvents}).
 */
public interface ConnectEvents {
  /** Reports nothing. */
  ConnectEvents NONE = new ConnectEvents() {};

  /** An authorization decision was served from the cache. */
  default void authorizationCacheHit(AuthorizationRequest request) {}

  /** An authorization decision had to be asked for (concurrent misses are reported each). */
  default void authorizationCacheMiss(AuthorizationRequest request) {}

  /** No decision could be made for a request (agent error, timeout); the request was refused. */
  default void authorizationFailed(AuthorizationRequest request, Throwable error) {}

  /** An accepted connection completed its handshake and was authorized. */
  default void handshakeAccepted(String target, ServiceIdentity client) {}

  /**
   * An accepted connection was refused during or after its handshake.
   *
   * @param target this service
   * @param client the client identity, or {@code null} when it was not established
   * @param reason why, as written to the log
   */
  default void handshakeDenied(String target, ServiceIdentity client, String reason) {}

  /** A live accepted connection was closed because a re-authorization denied it. */
  default void connectionRevoked(String target, ServiceIdentity client, String reason) {}

  /** A dial reached and verified a server. */
  default void dialSucceeded(String target, ServiceIdentity server) {}

  /**
   * One dial attempt failed.
   *
   * @param target what was dialed, e.g. {@code echo} or {@code echo (dc2)}
   * @param address the {@code host:port} tried, or {@code null} when no instance was found
   * @param error what went wrong
   */
  default void dialFailed(String target, String address, Throwable error) {}
}
