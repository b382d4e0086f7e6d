package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OkHttp's check after the handshake, repeating from the established session what the trust manager
 * checked inside it: the server presented the identity expected of the instance dialed (found from
 * the session's peer host, see {@link PeerNames}), and for a {@code <service>.service[.<dc>]} host
 * that identity names the service and datacenter of the URL. Passthrough hosts were checked against
 * their certificate by JSSE in the handshake (HTTPS endpoint identification); here their session
 * must belong to the same host name. Thread-safe.
 */
final class ConnectHostnameVerifier implements HostnameVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectHostnameVerifier.class);

  private final HttpTargets targets;
  private final PeerNames peerNames;

  ConnectHostnameVerifier(HttpTargets targets, PeerNames peerNames) {
    this.targets = requireNonNull(targets, "targets");
    this.peerNames = requireNonNull(peerNames, "peerNames");
  }

  @Override
  public boolean verify(String hostname, SSLSession session) {
    String refusal = refusal(hostname, session);
    if (refusal != null) {
      LOG.warn("refusing the TLS session with {}: {}", hostname, refusal);
      return false;
    }
    return true;
  }

  /** Returns why the session is refused, or {@code null} when it is accepted. */
  private String refusal(String hostname, SSLSession session) {
    Optional<ConnectHost> target;
    try {
      target = targets.parse(hostname);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    if (target.isEmpty()) {
      if (!targets.passthrough()) {
        return targets.refusal(hostname);
      }
      return hostname.equalsIgnoreCase(session.getPeerHost())
          ? null
          : "the session was made for " + session.getPeerHost();
    }
    Optional<ServiceIdentity> expected = peerNames.identity(session.getPeerHost());
    if (expected.isEmpty()) {
      return "the session was not made by the Connect client (peer host "
          + session.getPeerHost()
          + ")";
    }
    ServiceIdentity presented;
    try {
      presented = ConnectIdentity.of(session);
    } catch (InvalidIdentityException e) {
      return e.getMessage();
    }
    if (!expected.get().sameServiceAs(presented)) {
      return "server presented " + presented + " but this connection expects " + expected.get();
    }
    ConnectHost host = target.get();
    if (!host.query()) {
      String dc = host.datacenter() != null ? host.datacenter() : targets.defaultDatacenter();
      if (!presented.service().equalsIgnoreCase(host.name())
          || !presented.datacenter().equalsIgnoreCase(dc)) {
        return "server presented " + presented + ", which is not " + targets.describe(host);
      }
    }
    return null;
  }
}
