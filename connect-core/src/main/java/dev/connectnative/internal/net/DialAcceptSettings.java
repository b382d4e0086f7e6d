package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.Authorizer;
import dev.connectnative.Resolver;
import java.time.Duration;

/**
 * The dial and accept settings of a service builder. {@code null} means "the default".
 *
 * @param authorizer decides accepted clients; {@code null} for the cached agent authorizer
 * @param resolver finds instances; {@code null} for the agent-backed resolvers
 * @param authorizationGrace grace of the cached agent authorizer ({@link Duration#ZERO}: none)
 * @param registerAddress the address to self-register with, or {@code null} for no registration
 * @param registerPort the port to self-register with, when {@code registerAddress} is set
 * @param sessionResumption whether dials and accepted connections may resume TLS sessions
 */
public record DialAcceptSettings(
    Authorizer authorizer,
    Resolver resolver,
    Duration authorizationGrace,
    String registerAddress,
    int registerPort,
    boolean sessionResumption) {
  /** Every default, no registration. */
  public static final DialAcceptSettings DEFAULTS =
      new DialAcceptSettings(null, null, Duration.ZERO, null, 0, true);

  public DialAcceptSettings {
    requireNonNull(authorizationGrace, "authorizationGrace");
  }
}
