package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.internal.authz.LiveConnection;
import dev.connectnative.internal.authz.LiveConnections;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authorized server channel in the service's registry of live connections, so that it is closed
 * when the intentions stop allowing its client. The channel's close future holds it, so it stays
 * registered exactly as long as the channel is open.
 */
public final class LiveChannel implements LiveConnection {
  private static final Logger LOG = LoggerFactory.getLogger(LiveChannel.class);

  private final Channel channel;
  private final AuthorizationRequest authorization;

  private LiveChannel(Channel channel, AuthorizationRequest authorization) {
    this.channel = channel;
    this.authorization = authorization;
  }

  /** Tracks {@code channel} in {@code connections} until it closes. */
  public static void track(
      Channel channel, AuthorizationRequest authorization, LiveConnections connections) {
    LiveChannel live =
        new LiveChannel(
            requireNonNull(channel, "channel"), requireNonNull(authorization, "authorization"));
    connections.add(live);
    channel.closeFuture().addListener(closed -> connections.remove(live));
  }

  @Override
  public AuthorizationRequest authorization() {
    return authorization;
  }

  @Override
  public void revoke(String reason) {
    LOG.info("closing {}: {}", channel, reason);
    channel.close();
  }
}
