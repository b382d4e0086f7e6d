package dev.connectnative.internal.net;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ServiceIdentity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event as a line of text, for assertions. */
final class RecordingEvents implements ConnectEvents {
  final List<String> seen = new CopyOnWriteArrayList<>();

  @Override
  public void authorizationCacheHit(AuthorizationRequest request) {
    seen.add("hit " + request.client().service());
  }

  @Override
  public void authorizationCacheMiss(AuthorizationRequest request) {
    seen.add("miss " + request.client().service());
  }

  @Override
  public void authorizationFailed(AuthorizationRequest request, Throwable error) {
    seen.add("authorization failed " + request.client().service() + ": " + error.getMessage());
  }

  @Override
  public void handshakeAccepted(String target, ServiceIdentity client) {
    seen.add("accepted " + client.service() + " -> " + target);
  }

  @Override
  public void handshakeDenied(String target, ServiceIdentity client, String reason) {
    seen.add(
        "denied " + (client == null ? "?" : client.service()) + " -> " + target + ": " + reason);
  }

  @Override
  public void connectionRevoked(String target, ServiceIdentity client, String reason) {
    seen.add("revoked " + client.service() + " -> " + target + ": " + reason);
  }

  @Override
  public void dialSucceeded(String target, ServiceIdentity server) {
    seen.add("dialed " + target + " = " + server.service());
  }

  @Override
  public void dialFailed(String target, String address, Throwable error) {
    seen.add("dial failed " + target + " at " + address + ": " + error.getMessage());
  }
}
