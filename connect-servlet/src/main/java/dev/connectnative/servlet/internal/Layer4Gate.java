package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.tls.ClientAuthorizer;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The in-handshake check of a connector that enforces L7 intentions: refuses, with a TLS alert,
 * every client the authorizer denies for any reason but an L7 intention, and lets those through to
 * {@link HandshakeAuthorization}, which admits them only for per-request checks. It runs only in
 * full handshakes; the listener after the handshake sees every connection anyway.
 */
final class Layer4Gate implements ClientAuthorizer {
  private final String service;
  private final Authorizer authorizer;
  private final Duration timeout;

  Layer4Gate(String service, Authorizer authorizer, Duration timeout) {
    this.service = requireNonNull(service, "service");
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.timeout = requireNonNull(timeout, "timeout");
  }

  @Override
  public void authorize(ServiceIdentity client, X509Certificate leaf, Object socketOrEngine)
      throws CertificateException {
    AuthorizationRequest request =
        new AuthorizationRequest(service, client, Certificates.serialHex(leaf.getSerialNumber()));
    AuthorizationDecision decision;
    try {
      decision = Decisions.decide(authorizer, request, timeout);
    } catch (Decisions.UndecidedException e) {
      throw new CertificateException(e.getMessage(), e.getCause());
    }
    if (!decision.allowed() && !decision.reason().startsWith(Decisions.L7_REASON)) {
      throw new CertificateException(
          "client "
              + client
              + " is not allowed to connect to \""
              + service
              + "\": "
              + decision.reason());
    }
  }
}
