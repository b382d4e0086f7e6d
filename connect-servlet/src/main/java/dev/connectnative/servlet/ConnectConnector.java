package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import dev.connectnative.Authorizer;
import dev.connectnative.ConnectService;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.servlet.internal.AuthorizingSslConnectionFactory;
import dev.connectnative.servlet.internal.HandshakeAuthorization;
import dev.connectnative.servlet.internal.Http2Support;
import dev.connectnative.servlet.internal.LiveJettyConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds a Jetty 12 {@link ServerConnector} that serves a Connect service over mutual TLS.
 *
 * <pre>{@code
 * Server server = new Server();
 * ServerConnector connector = ConnectConnector.builder(server)
 *     .service("api")
 *     .sslContext(connectService.sslContext())
 *     .authorizer(connectService.authorizer())
 *     .port(8443)
 *     .build();          // already added to the server
 * }</pre>
 *
 * <p>The connector uses the given {@link SSLContext} as is (its key and trust managers read the
 * live identity per handshake, so certificate rotation needs no restart and leaves open connections
 * alone), requires a client certificate, and turns off Jetty's SNI checks, which would otherwise
 * reject Connect certificates because they carry only a SPIFFE URI and no DNS name. Every
 * connection, including one that resumes a TLS session, is authorized with the {@link Authorizer}
 * right after its handshake; a denial or a failure to decide closes the connection before any
 * request is read (fail closed). With {@link Builder#closeOnRevocation(ConnectService)} a
 * connection stays registered with the service while it is open, and is closed as soon as the
 * service sees an intention change that denies its client. HTTP/1.1 is always served; HTTP/2 is
 * negotiated with ALPN when the optional {@code jetty-http2-server} and {@code
 * jetty-alpn-java-server} jars are present.
 *
 * <p>Connections that Consul governs with L7 (HTTP) intentions are admitted only when {@link
 * Builder#intentions(IntentionsSource)} is set and a {@link ConnectFilter} enforcing the same
 * source is initialized; the filter then decides each request.
 */
public final class ConnectConnector {
  /** How long a handshaking thread waits for an authorization decision unless told otherwise. */
  static final Duration DEFAULT_AUTHORIZATION_TIMEOUT = Duration.ofSeconds(5);

  private ConnectConnector() {}

  /**
   * Starts a builder for a connector of {@code server}.
   *
   * @param server the server to add the connector to
   * @return a new builder
   * @throws NullPointerException if {@code server} is null
   */
  public static Builder builder(Server server) {
    return new Builder(requireNonNull(server, "server"));
  }

  /** Configures and adds one connector. Not thread-safe; use once. */
  public static final class Builder {
    private final Server server;
    private String service;
    private SSLContext sslContext;
    private Authorizer authorizer;
    private IntentionsSource intentions;
    private String host;
    private Integer port;
    private Boolean http2;
    private Duration authorizationTimeout;
    private Duration idleTimeout;
    private LiveConnections liveConnections;

    private Builder(Server server) {
      this.server = server;
    }

    /**
     * Sets the name of the service this connector serves: the {@code target} of every
     * authorization. Required.
     *
     * @param service the service name, e.g. {@code api}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if empty
     */
    public Builder service(String service) {
      requireNonNull(service, "service");
      if (service.isEmpty()) {
        throw new IllegalArgumentException("service name is empty");
      }
      this.service = once(this.service, service, "service");
      return this;
    }

    /**
     * Sets the TLS context, normally a {@code ConnectService}'s. Required. Its server side must
     * validate client certificates against the Connect roots.
     *
     * @param sslContext the context
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext =
          once(this.sslContext, requireNonNull(sslContext, "sslContext"), "sslContext");
      return this;
    }

    /**
     * Sets who decides whether a client may connect. Required.
     *
     * @param authorizer the authorizer, normally the caching agent-backed one
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer =
          once(this.authorizer, requireNonNull(authorizer, "authorizer"), "authorizer");
      return this;
    }

    /**
     * Sets the live intentions used to admit callers that Consul governs with L7 permissions. If
     * unset, such callers are refused at the handshake, as the agent's answer says.
     *
     * @param intentions the same source the {@link ConnectFilter} enforces
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder intentions(IntentionsSource intentions) {
      this.intentions =
          once(this.intentions, requireNonNull(intentions, "intentions"), "intentions");
      return this;
    }

    /**
     * Registers every connection the authorizer allows outright with {@code service}, which
     * re-authorizes its open connections whenever its intentions change and closes those whose
     * client is now denied, at once rather than at the next request or the idle timeout. {@link
     * ConnectJetty} sets this. Connections admitted only for L7 checks are not registered: the
     * agent answers "not authorized" for them by design, and the {@link ConnectFilter} checks each
     * of their requests against the live intentions. If unset, a denied client's open connection
     * stays open until it is idle for the idle timeout; with a {@link ConnectFilter} whose {@link
     * ConnectFilter.Builder#authorizer(Authorizer)} is set, its next request is refused.
     *
     * @param service the service whose authorizer this connector uses, built by {@code
     *     Connect.service(…)}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if the service was not built by {@code Connect}
     */
    public Builder closeOnRevocation(ConnectService service) {
      requireNonNull(service, "service");
      LiveConnections registry =
          LiveJettyConnection.registryOf(service)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "service \""
                              + service.name()
                              + "\" was not built by Connect and tracks no connections"));
      this.liveConnections = once(this.liveConnections, registry, "closeOnRevocation");
      return this;
    }

    /**
     * Sets the address to listen on. If unset, all interfaces.
     *
     * @param host a host name or IP address, e.g. {@code 127.0.0.1}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder host(String host) {
      this.host = once(this.host, requireNonNull(host, "host"), "host");
      return this;
    }

    /**
     * Sets the port to listen on. Required; {@code 0} picks a free port, readable with {@link
     * ServerConnector#getLocalPort()} once the server is started.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = once(this.port, port, "port");
      return this;
    }

    /**
     * Sets whether HTTP/2 is offered through ALPN. If unset, it is offered when the HTTP/2 and ALPN
     * jars are on the class path.
     *
     * @param http2 whether to offer HTTP/2
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder http2(boolean http2) {
      this.http2 = once(this.http2, http2, "http2");
      return this;
    }

    /**
     * Sets the longest time a handshaking thread waits for an authorization decision; when it
     * passes the connection is closed. If unset, 5 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder authorizationTimeout(Duration timeout) {
      this.authorizationTimeout =
          once(this.authorizationTimeout, positive(timeout, "authorizationTimeout"), "timeout");
      return this;
    }

    /**
     * Sets how long an idle connection stays open. If unset, Jetty's default (30 seconds).
     *
     * @param idleTimeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout =
          once(this.idleTimeout, positive(idleTimeout, "idleTimeout"), "idleTimeout");
      return this;
    }

    /**
     * Creates the connector and adds it to the server. Start (or restart) the server to open it.
     *
     * @return the connector, already added to the server
     * @throws IllegalStateException if a required setting is missing, or HTTP/2 was asked for but
     *     its jars are missing
     */
    public ServerConnector build() {
      require(service, "service");
      require(sslContext, "sslContext");
      require(authorizer, "authorizer");
      require(port, "port");
      boolean h2Available = Http2Support.available();
      if (Boolean.TRUE.equals(http2) && !h2Available) {
        throw new IllegalStateException(
            "HTTP/2 was asked for but org.eclipse.jetty.http2:jetty-http2-server and"
                + " org.eclipse.jetty:jetty-alpn-java-server are not on the class path");
      }
      boolean offerH2 = http2 == null ? h2Available : http2;

      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(sslContext);
      ssl.setNeedClientAuth(true);
      ssl.setSniRequired(false);
      ssl.setEndpointIdentificationAlgorithm(null);
      ssl.setRenegotiationAllowed(false);

      HttpConfiguration config = new HttpConfiguration();
      config.setSecureScheme("https");
      config.setSendServerVersion(false);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      secure.setSniRequired(false);
      config.addCustomizer(secure);

      HttpConnectionFactory http11 = new HttpConnectionFactory(config);
      List<ConnectionFactory> after = new ArrayList<>();
      if (offerH2) {
        after.addAll(List.of(Http2Support.factories(config, http11.getProtocol(), ssl)));
      }
      after.add(http11);
      AuthorizingSslConnectionFactory tls =
          new AuthorizingSslConnectionFactory(
              ssl,
              after.get(0).getProtocol(),
              new HandshakeAuthorization(
                  service,
                  authorizer,
                  intentions,
                  authorizationTimeout == null
                      ? DEFAULT_AUTHORIZATION_TIMEOUT
                      : authorizationTimeout,
                  liveConnections));
      List<ConnectionFactory> all = new ArrayList<>();
      all.add(tls);
      all.addAll(after);

      ServerConnector connector =
          new ServerConnector(server, all.toArray(new ConnectionFactory[0]));
      connector.setName("connect-" + service);
      connector.setHost(host);
      connector.setPort(port);
      if (idleTimeout != null) {
        connector.setIdleTimeout(idleTimeout.toMillis());
      }
      server.addConnector(connector);
      return connector;
    }

    private static <T> T once(T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " is already set");
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }

    private static void require(Object value, String name) {
      if (value == null) {
        throw new IllegalStateException(name + " is required");
      }
    }
  }
}
