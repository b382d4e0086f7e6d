package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.net.ConnectEvents;
import dev.connectnative.internal.net.SafeEvents;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.tls.ClientAuthorizer;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * Runs the {@link Authorizer} inside a full handshake, from the trust manager, so that a denied
 * client gets a TLS alert and no application byte. Waits for the decision at most {@code timeout}
 * (a cached decision is immediate). Resumed sessions never reach the trust manager; the accepted
 * socket wrapper authorizes those.
 */
public final class ClientAuthorizerHook implements ClientAuthorizer {
  private final String target;
  private final Authorizer authorizer;
  private final Duration timeout;
  private final ConnectEvents events;

  /**
   * Creates the hook.
   *
   * @param target this service's name
   * @param authorizer decides
   * @param timeout the longest wait for a decision before refusing
   * @param events where refusals are reported
   */
  public ClientAuthorizerHook(
      String target, Authorizer authorizer, Duration timeout, ConnectEvents events) {
    this.target = requireNonNull(target, "target");
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.timeout = requireNonNull(timeout, "timeout");
    this.events = SafeEvents.of(requireNonNull(events, "events"));
  }

  @Override
  public void authorize(ServiceIdentity client, X509Certificate leaf, Object socketOrEngine)
      throws CertificateException {
    AuthorizationRequest request =
        new AuthorizationRequest(target, client, Certificates.serialHex(leaf.getSerialNumber()));
    try {
      Authorizations.require(authorizer, request, timeout);
    } catch (DeniedException e) {
      events.handshakeDenied(target, client, e.getMessage());
      throw new CertificateException(e.getMessage(), e);
    }
  }
}
