package dev.connectnative;

import java.util.concurrent.CompletableFuture;

/**
 * Decides whether a client identity may open a connection to a target service: the intention check
 * Consul asks every Connect server to make after the TLS handshake.
 *
 * <p>The default implementation asks the local agent ({@code POST /v1/agent/connect/authorize}) and
 * caches its decisions. Implementations must fail closed: a decision that cannot be made completes
 * the future exceptionally, and every caller in this library treats that as a denial.
 *
 * <p>Implementations are thread-safe. {@link #authorize} must not block the calling thread, so that
 * event-loop frameworks such as Netty can call it directly.
 */
public interface Authorizer {

  /**
   * Asks whether {@code request.client()} may connect to {@code request.target()}.
   *
   * @param request the target service and the client's verified identity
   * @return a future completed with the decision, or completed exceptionally (with a {@link
   *     ConnectException}) when no decision could be made
   */
  CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request);

  /**
   * Drops every cached decision, so that the next request for each client asks again. Called when
   * the intentions change. If the implementation caches nothing, this does nothing.
   */
  default void invalidateAll() {}
}
