package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.servlet.internal.LiveJettyConnection;
import dev.connectnative.servlet.internal.ServiceTls;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One-call setup of a Jetty 12 server as a Connect service.
 *
 * <pre>{@code
 * Server server = new Server();
 * ConnectJetty.addConnector(server, connectService, 8443);
 * }</pre>
 *
 * <p>Connections the service's authorizer allowed are registered with the service (when it was
 * built by {@code Connect}), which closes them as soon as an intention change denies their client;
 * see {@link ConnectConnector.Builder#closeOnRevocation(ConnectService)}.
 *
 * <p>For more settings (listen address, timeouts, HTTP/2 on or off) use {@link ConnectConnector}.
 * Stateless and thread-safe.
 */
public final class ConnectJetty {
  private ConnectJetty() {}

  /**
   * Adds a connector serving {@code service} on {@code port}, on all interfaces: mutual TLS with
   * the service's TLS context, every connection authorized by {@link ConnectService#authorizer()}.
   * Callers governed by L7 intentions are refused; use {@link #addConnector(Server, ConnectService,
   * int, IntentionsSource)} to serve them.
   *
   * @param server the server
   * @param service the Connect service; it must stay open while the server runs
   * @param port the port, or {@code 0} for a free one
   * @return the connector, already added to the server
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code port} is out of range
   */
  public static ServerConnector addConnector(Server server, ConnectService service, int port) {
    requireNonNull(service, "service");
    ConnectConnector.Builder builder =
        ConnectConnector.builder(server)
            .service(service.name())
            .sslContext(service.sslContext())
            .authorizer(service.authorizer())
            .port(port);
    closeOnRevocation(builder, service);
    return builder.build();
  }

  /**
   * Adds a connector serving {@code service} on {@code port} that also admits callers governed by
   * L7 intentions, whose requests the {@link ConnectFilter} enforcing {@code intentions} then
   * decides one by one. Clients denied for any other reason are refused inside the handshake (a TLS
   * alert), and every connection is authorized again by {@link ConnectService#authorizer()} right
   * after its handshake.
   *
   * @param server the server
   * @param service the Connect service; it must stay open while the server runs
   * @param port the port, or {@code 0} for a free one
   * @param intentions the live intentions of {@code service}, the same the filter enforces
   * @return the connector, already added to the server
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code port} is out of range, or the service does not use
   *     this library's key manager
   */
  public static ServerConnector addConnector(
      Server server, ConnectService service, int port, IntentionsSource intentions) {
    requireNonNull(service, "service");
    ConnectConnector.Builder builder =
        ConnectConnector.builder(server)
            .service(service.name())
            .sslContext(
                ServiceTls.forLayer7(service, ConnectConnector.DEFAULT_AUTHORIZATION_TIMEOUT))
            .authorizer(service.authorizer())
            .intentions(intentions)
            .port(port);
    closeOnRevocation(builder, service);
    return builder.build();
  }

  /** Services built by {@code Connect} close the connections of clients they stop allowing. */
  private static void closeOnRevocation(ConnectConnector.Builder builder, ConnectService service) {
    if (LiveJettyConnection.registryOf(service).isPresent()) {
      builder.closeOnRevocation(service);
    }
  }
}
