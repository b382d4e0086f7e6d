package dev.connectnative.examples.jetty;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.servlet.ConnectFilter;
import dev.connectnative.servlet.ConnectJetty;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Jetty 12 server that is a Connect service: a {@link ConnectJetty} connector on a free port
 * (mutual TLS, every connection authorized by the intentions), a {@link ConnectFilter} that hands
 * each request its caller and re-checks it per request, and a {@link CallerServlet}. {@link
 * #close()} stops Jetty and its threads; the service stays open.
 */
public final class ConnectHttpServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  private ConnectHttpServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts Jetty for {@code service}.
   *
   * @param service the Connect service Jetty serves as; it must stay open while Jetty runs
   * @return the running server
   * @throws Exception if Jetty does not start
   */
  public static ConnectHttpServer start(ConnectService service) throws Exception {
    requireNonNull(service, "service");
    Server server = new Server();
    ServerConnector connector = ConnectJetty.addConnector(server, service, 0);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new CallerServlet(service.name())), "/*");
    ConnectFilter.builder()
        .service(service.name())
        .authorizer(service.authorizer())
        .build()
        .install(context);
    server.setHandler(context);
    server.start();
    return new ConnectHttpServer(server, connector);
  }

  /**
   * Returns the port Jetty listens on.
   *
   * @return the port
   */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops Jetty.
   *
   * @throws IllegalStateException if Jetty fails to stop
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping Jetty", e);
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop: " + e.getMessage(), e);
    }
  }
}
