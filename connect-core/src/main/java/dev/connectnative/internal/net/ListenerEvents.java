package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ConnectListener;
import dev.connectnative.ServiceIdentity;

/** Forwards the dial and accept events of one service to its public {@link ConnectListener}. */
public final class ListenerEvents implements ConnectEvents {
  private final ConnectListener listener;

  /** Creates the bridge. Wrap it in {@link SafeEvents} so a throwing listener is contained. */
  public ListenerEvents(ConnectListener listener) {
    this.listener = requireNonNull(listener, "listener");
  }

  @Override
  public void authorizationCacheHit(AuthorizationRequest request) {
    listener.onAuthorizationCacheHit(request);
  }

  @Override
  public void authorizationCacheMiss(AuthorizationRequest request) {
    listener.onAuthorizationCacheMiss(request);
  }

  @Override
  public void authorizationFailed(AuthorizationRequest request, Throwable error) {
    listener.onAuthorizationFailed(request, error);
  }

  @Override
  public void handshakeAccepted(String target, ServiceIdentity client) {
    listener.onConnectionAccepted(client);
  }

  @Override
  public void handshakeDenied(String target, ServiceIdentity client, String reason) {
    listener.onConnectionRefused(client, reason);
  }

  @Override
  public void connectionRevoked(String target, ServiceIdentity client, String reason) {
    listener.onConnectionRevoked(client, reason);
  }

  @Override
  public void dialSucceeded(String target, ServiceIdentity server) {
    listener.onDialSucceeded(target, server);
  }

  @Override
  public void dialFailed(String target, String address, Throwable error) {
    listener.onDialFailed(target, address, error);
  }

  @Override
  public String toString() {
    return "ListenerEvents[" + listener + "]";
  }
}
