package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.Authorizer;
import dev.connectnative.internal.authz.LiveConnections;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every accepted connection of a service goes through: a handshake bounded by {@code
 * handshakeTimeout}, then an authorization of the client by {@code authorizer} for {@code target}
 * bounded by {@code authorizationTimeout}, then registration in {@code connections} so that an
 * intention change can revoke it.
 *
 * @param target this service's name
 * @param authorizer decides (normally the caching agent authorizer)
 * @param connections where authorized connections are tracked
 * @param handshakeTimeout the longest a client may take to complete its handshake
 * @param authorizationTimeout the longest wait for a decision
 * @param events where outcomes are reported
 * @param deadlines closes connections whose handshake overruns {@code handshakeTimeout}, or {@code
 *     null} to bound the handshake by the socket read timeout only (a peer trickling bytes can then
 *     keep it going longer)
 * @param clock the time a client's leaf is checked at after every handshake: a resumed session
 *     skips the trust manager, so a leaf that expired since the session began is caught here
 */
public record AcceptPolicy(
    String target,
    Authorizer authorizer,
    LiveConnections connections,
    Duration handshakeTimeout,
    Duration authorizationTimeout,
    ConnectEvents events,
    ScheduledExecutorService deadlines,
    Clock clock) {

  /** Default handshake timeout of an accepted connection: 10 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Default time to wait for an authorization decision: 5 seconds. */
  public static final Duration DEFAULT_AUTHORIZATION_TIMEOUT = Duration.ofSeconds(5);

  public AcceptPolicy {
    requireNonNull(target, "target");
    requireNonNull(authorizer, "authorizer");
    requireNonNull(connections, "connections");
    positive(handshakeTimeout, "handshakeTimeout");
    positive(authorizationTimeout, "authorizationTimeout");
    events = SafeEvents.of(requireNonNull(events, "events"));
    requireNonNull(clock, "clock");
  }

  /** A policy that checks client leaves with the system clock. */
  public AcceptPolicy(
      String target,
      Authorizer authorizer,
      LiveConnections connections,
      Duration handshakeTimeout,
      Duration authorizationTimeout,
      ConnectEvents events,
      ScheduledExecutorService deadlines) {
    this(
        target,
        authorizer,
        connections,
        handshakeTimeout,
        authorizationTimeout,
        events,
        deadlines,
        Clock.systemUTC());
  }

  /** A policy whose handshakes are bounded by the socket read timeout only. */
  public AcceptPolicy(
      String target,
      Authorizer authorizer,
      LiveConnections connections,
      Duration handshakeTimeout,
      Duration authorizationTimeout,
      ConnectEvents events) {
    this(target, authorizer, connections, handshakeTimeout, authorizationTimeout, events, null);
  }

  private static void positive(Duration d, String name) {
    requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be positive and fit in an int of ms: " + d);
    }
  }
}
