package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.servlet.IntentionsSource;
import dev.connectnative.servlet.ServiceIntentions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorizes every TLS connection the connector accepts, after each handshake, full or resumed (a
 * resumed session never reaches the trust manager, so this is the one place that sees them all). A
 * refusal throws from the connection's {@link SslHandshakeListener#handshakeSucceeded}, which makes
 * Jetty close the connection before any request is read. A connection the authorizer allowed
 * outright is registered, when a registry is given, in the service's live connections, so that an
 * intention change that denies its client closes it at once.
 *
 * <p>The agent answers "Matched L7 intention" with {@code Authorized: false}, because only a proxy
 * that sees requests can enforce L7 permissions. Such a connection is admitted, marked as L7, only
 * when the live intentions agree that an L7 source governs the caller and a {@code ConnectFilter}
 * enforcing those intentions is initialized; the filter then decides every request.
 *
 * <p>Runs on the Jetty thread that completed the handshake. The {@link Authorizer} normally answers
 * from its cache at once; on a miss this thread waits up to the configured timeout. Jetty 12 offers
 * no way to finish a handshake listener asynchronously: its veto is an exception thrown from the
 * callback, on that thread.
 */
public final class HandshakeAuthorization {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeAuthorization.class);

  private final String service;
  private final Authorizer authorizer;
  private final IntentionsSource intentions;
  private final Duration timeout;
  private final LiveConnections live;

  /**
   * Creates the check.
   *
   * @param service the name of the service being connected to
   * @param authorizer decides each connection
   * @param intentions the live intentions, or {@code null} when L7 intentions are not enforced
   * @param timeout the longest wait for a decision
   * @param live the service's live connections, or {@code null} to register none
   */
  public HandshakeAuthorization(
      String service,
      Authorizer authorizer,
      IntentionsSource intentions,
      Duration timeout,
      LiveConnections live) {
    this.service = requireNonNull(service, "service");
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.intentions = intentions;
    this.timeout = requireNonNull(timeout, "timeout");
    this.live = live;
  }

  /** The handshake listener of one TLS connection. */
  SslHandshakeListener listenerFor(Connection connection) {
    requireNonNull(connection, "connection");
    return new SslHandshakeListener() {
      @Override
      public void handshakeSucceeded(Event event) throws SSLException {
        authorize(event.getSSLEngine(), connection);
      }
    };
  }

  private void authorize(SSLEngine engine, Connection connection) throws SSLException {
    SSLSession session = engine.getSession();
    X509Certificate leaf = peerLeaf(session);
    ServiceIdentity client;
    try {
      client = ConnectIdentity.of(session);
    } catch (InvalidIdentityException e) {
      throw refuse(
          "client of " + quote(service) + " has no acceptable identity: " + e.getMessage());
    }
    AuthorizationRequest request =
        new AuthorizationRequest(service, client, Certificates.serialHex(leaf.getSerialNumber()));
    AuthorizationDecision decision = decide(request);
    if (decision.allowed()) {
      new ConnectionGrant(client, false, decision.reason()).recordIn(session);
      if (live != null) {
        LiveJettyConnection.track(connection, request, live);
      }
      LOG.debug("connection from {} to {} allowed: {}", client, service, decision.reason());
      return;
    }
    if (decision.reason().startsWith(Decisions.L7_REASON)) {
      Optional<String> refusal = layer7Refusal(client);
      if (refusal.isEmpty()) {
        new ConnectionGrant(client, true, decision.reason()).recordIn(session);
        LOG.debug("connection from {} to {} admitted for L7 checks", client, service);
        return;
      }
      throw refuse(
          "client "
              + client
              + " is not allowed to connect to "
              + quote(service)
              + ": "
              + decision.reason()
              + ", and "
              + refusal.get());
    }
    throw refuse(
        "client "
            + client
            + " is not allowed to connect to "
            + quote(service)
            + ": "
            + decision.reason());
  }

  private AuthorizationDecision decide(AuthorizationRequest request) throws SSLException {
    try {
      return Decisions.decide(authorizer, request, timeout);
    } catch (Decisions.UndecidedException e) {
      throw refuse(e.getMessage(), e.getCause());
    }
  }

  private Optional<String> layer7Refusal(ServiceIdentity client) {
    if (intentions == null) {
      return Optional.of("L7 intentions are not enforced by this connector (no intentions set)");
    }
    Optional<ServiceIntentions> current = intentions.current();
    if (current.isEmpty()) {
      return Optional.of("the intentions of " + quote(service) + " are not known yet");
    }
    if (!current.get().governsAtLayer7(client)) {
      return Optional.of("the intentions of " + quote(service) + " name no L7 source for it");
    }
    if (!Enforcement.armed(intentions)) {
      return Optional.of("no ConnectFilter enforcing the intentions is initialized");
    }
    return Optional.empty();
  }

  private X509Certificate peerLeaf(SSLSession session) throws SSLException {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw refuse("client of " + quote(service) + " presented no certificate", e);
    }
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw refuse("client of " + quote(service) + " presented no X.509 certificate");
    }
    return leaf;
  }

  private SSLException refuse(String message) {
    LOG.info("refused connection: {}", message);
    return new SSLHandshakeException(message);
  }

  private SSLException refuse(String message, Throwable cause) {
    SSLException e = refuse(message);
    e.initCause(cause);
    return e;
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }
}
