package dev.connectnative;

import static java.util.Objects.requireNonNull;

/**
 * One authorization question: may {@code client} connect to the service {@code target}?
 *
 * @param target the name of the service being connected to (this service)
 * @param client the client's identity, taken from its verified certificate
 * @param clientCertSerial the client certificate's serial number in Consul's lowercase colon hex
 *     form (e.g. {@code 0c} or {@code 1a:2b}); Consul does not check it but records it
 */
public record AuthorizationRequest(String target, ServiceIdentity client, String clientCertSerial) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is {@code null}
   * @throws IllegalArgumentException if {@code target} is empty
   */
  public AuthorizationRequest {
    requireNonNull(target, "target");
    requireNonNull(client, "client");
    requireNonNull(clientCertSerial, "clientCertSerial");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("target service name is empty");
    }
  }
}
