package dev.connectnative.internal.http;

import dev.connectnative.internal.pem.Certificates;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 serving h2 and HTTP/1.1 (ALPN) with a Connect service's {@code SSLContext} and a client
 * certificate required. Every response body is {@code <method> <path> proto=<protocol>
 * authority=<authority> conn=<connection id> client=<spiffe id> serial=<client leaf serial>
 * body=<request body>}.
 */
final class JettyServer implements AutoCloseable {
  final Set<String> connections = ConcurrentHashMap.newKeySet();
  private final Server server = new Server();
  private final ServerConnector connector;

  JettyServer(Node node) throws Exception {
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    secure.setSniRequired(false);
    config.addCustomizer(secure);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(node.context);
    tls.setNeedClientAuth(true);
    HttpConnectionFactory http1 = new HttpConnectionFactory(config);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http1.getProtocol());
    connector =
        new ServerConnector(
            server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String body = Content.Source.asString(request);
            String conn = request.getConnectionMetaData().getId();
            connections.add(conn);
            EndPoint.SslSessionData tlsData =
                (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
            X509Certificate leaf = tlsData.peerCertificates()[0];
            String text =
                request.getMethod()
                    + " "
                    + request.getHttpURI().getPathQuery()
                    + " proto="
                    + request.getConnectionMetaData().getProtocol()
                    + " authority="
                    + request.getHttpURI().getAuthority()
                    + " conn="
                    + conn
                    + " client="
                    + Certificates.serviceIdentity(leaf)
                    + " serial="
                    + leaf.getSerialNumber().toString(16)
                    + " body="
                    + body;
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            Content.Sink.write(response, true, text, callback);
            return true;
          }
        });
    server.start();
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Jetty", e);
    }
  }
}
