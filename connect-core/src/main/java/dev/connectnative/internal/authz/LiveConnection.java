package dev.connectnative.internal.authz;

import dev.connectnative.AuthorizationRequest;

/**
 * An accepted, authorized connection that must be closed if its client loses permission. The socket
 * wrapper implements it for plain sockets; adapters (Netty, Jetty) implement it on an object that
 * lives exactly as long as the connection, because the {@link LiveConnections} registry holds it
 * weakly.
 */
public interface LiveConnection {
  /** The question that authorized this connection, asked again when the intentions change. */
  AuthorizationRequest authorization();

  /**
   * Closes the connection because its client is no longer allowed. Called from the registry's
   * thread; must not block for long.
   *
   * @param reason why, e.g. {@code client spiffe://…/svc/web is no longer allowed to connect to
   *     echo: Matched L4 intention …}
   */
  void revoke(String reason);
}
