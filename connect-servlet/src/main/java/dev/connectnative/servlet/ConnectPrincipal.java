package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import java.security.Principal;

/**
 * The caller of a request, as {@link jakarta.servlet.http.HttpServletRequest#getUserPrincipal()}
 * returns it behind {@link ConnectFilter}.
 *
 * @param identity the caller's verified Connect identity
 */
public record ConnectPrincipal(ServiceIdentity identity) implements Principal {

  /**
   * Validates the identity.
   *
   * @throws NullPointerException if {@code identity} is null
   */
  public ConnectPrincipal {
    requireNonNull(identity, "identity");
  }

  /**
   * Returns the caller's SPIFFE URI.
   *
   * @return e.g. {@code spiffe://<td>/ns/default/dc/dc1/svc/web}
   */
  @Override
  public String getName() {
    return identity.toString();
  }
}
