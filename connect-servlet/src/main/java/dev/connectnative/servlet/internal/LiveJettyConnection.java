package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ConnectService;
import dev.connectnative.internal.authz.LiveConnection;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.service.DefaultConnectService;
import java.util.Optional;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge to core's registry of live connections: an authorized Jetty TLS connection that the
 * service closes when an intention change denies its client. The connection's close listener holds
 * it, so it stays registered (the registry holds it weakly) exactly as long as the connection is
 * open.
 */
public final class LiveJettyConnection implements LiveConnection {
  private static final Logger LOG = LoggerFactory.getLogger(LiveJettyConnection.class);

  private final Connection connection;
  private final AuthorizationRequest authorization;

  private LiveJettyConnection(Connection connection, AuthorizationRequest authorization) {
    this.connection = connection;
    this.authorization = authorization;
  }

  /** The live-connection registry of {@code service}; empty if it was not built by Connect. */
  public static Optional<LiveConnections> registryOf(ConnectService service) {
    return requireNonNull(service, "service") instanceof DefaultConnectService connect
        ? Optional.of(connect.liveConnections())
        : Optional.empty();
  }

  /** Tracks {@code connection} in {@code registry} until it closes. */
  static void track(
      Connection connection, AuthorizationRequest authorization, LiveConnections registry) {
    LiveJettyConnection live =
        new LiveJettyConnection(
            requireNonNull(connection, "connection"),
            requireNonNull(authorization, "authorization"));
    connection.addEventListener(
        new Connection.Listener() {
          @Override
          public void onClosed(Connection closed) {
            registry.remove(live);
          }
        });
    registry.add(live);
  }

  @Override
  public AuthorizationRequest authorization() {
    return authorization;
  }

  @Override
  public void revoke(String reason) {
    LOG.info(
        "closing the connection from {}: {}",
        connection.getEndPoint().getRemoteSocketAddress(),
        reason);
    connection.getEndPoint().close();
  }
}
