package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connection factory, with every new connection's handshake authorized by a listener
 * that knows the connection, so that an allowed connection can be closed later on revocation (a
 * listener registered as a bean sees only the {@link SSLEngine}).
 */
public final class AuthorizingSslConnectionFactory extends SslConnectionFactory {
  private final HandshakeAuthorization authorization;

  /** Creates the factory; {@code nextProtocol} is the protocol spoken inside TLS. */
  public AuthorizingSslConnectionFactory(
      SslContextFactory.Server ssl, String nextProtocol, HandshakeAuthorization authorization) {
    super(ssl, nextProtocol);
    this.authorization = requireNonNull(authorization, "authorization");
  }

  @Override
  protected SslConnection newSslConnection(
      Connector connector, EndPoint endPoint, SSLEngine engine) {
    SslConnection connection = super.newSslConnection(connector, endPoint, engine);
    connection.addHandshakeListener(authorization.listenerFor(connection));
    return connection;
  }
}
