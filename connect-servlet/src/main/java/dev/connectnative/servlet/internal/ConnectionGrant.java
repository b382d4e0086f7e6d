package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * How a connection was admitted, recorded in its TLS session by the connector and read by the
 * filter for every request. A request on a session without a grant was not admitted by a Connect
 * connector and is refused.
 *
 * @param client the identity that was authorized
 * @param layer7 {@code true} when the agent answered "Matched L7 intention" and the connection was
 *     admitted only so that each request can be checked against the L7 permissions; {@code false}
 *     when the authorizer allowed the connection outright
 * @param reason the authorizer's reason
 */
public record ConnectionGrant(ServiceIdentity client, boolean layer7, String reason) {
  private static final String KEY = "dev.connectnative.servlet.grant";

  public ConnectionGrant {
    requireNonNull(client, "client");
    requireNonNull(reason, "reason");
  }

  /** Records this grant in the session. */
  public void recordIn(SSLSession session) {
    session.putValue(KEY, this);
  }

  /** Reads the grant recorded in a session. */
  public static Optional<ConnectionGrant> of(SSLSession session) {
    return session.getValue(KEY) instanceof ConnectionGrant grant
        ? Optional.of(grant)
        : Optional.empty();
  }
}
