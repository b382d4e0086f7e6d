package dev.connectnative.servlet;

import dev.connectnative.Authorizer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A real Jetty server on loopback whose one servlet describes the request and its caller. */
final class EchoServer implements AutoCloseable {
  final AtomicInteger served = new AtomicInteger();
  final Server server;
  final ServerConnector connector;

  EchoServer(
      String service,
      SSLContext context,
      Authorizer authorizer,
      IntentionsSource intentions,
      ConnectFilter filter,
      Consumer<ConnectConnector.Builder> customizer)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("jetty-" + service);
    threads.setDaemon(true);
    server = new Server(threads);
    ConnectConnector.Builder builder =
        ConnectConnector.builder(server)
            .service(service)
            .sslContext(context)
            .authorizer(authorizer)
            .host("127.0.0.1")
            .port(0);
    if (intentions != null) {
      builder.intentions(intentions);
    }
    customizer.accept(builder);
    connector = builder.build();
    ServletContextHandler handler = new ServletContextHandler();
    handler.addServlet(new ServletHolder(new Describe()), "/*");
    if (filter != null) {
      filter.install(handler);
    }
    server.setHandler(handler);
    server.start();
  }

  /** Adds and starts a plain HTTP connector on loopback, returning its port. */
  int addPlainConnector() throws Exception {
    ServerConnector plain = new ServerConnector(server);
    plain.setHost("127.0.0.1");
    plain.setPort(0);
    server.addConnector(plain);
    plain.start();
    return plain.getLocalPort();
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop jetty", e);
    }
  }

  private final class Describe extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      served.incrementAndGet();
      X509Certificate[] certs =
          (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
      String body =
          "caller="
              + ConnectFilter.caller(request).map(Object::toString).orElse("none")
              + "\nprincipal="
              + (request.getUserPrincipal() == null ? "none" : request.getUserPrincipal().getName())
              + "\nauthType="
              + request.getAuthType()
              + "\ncerts="
              + (certs == null ? 0 : certs.length)
              + "\nprotocol="
              + request.getProtocol()
              + "\npath="
              + request.getRequestURI()
              + "\n";
      response.setContentType("text/plain;charset=utf-8");
      response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
