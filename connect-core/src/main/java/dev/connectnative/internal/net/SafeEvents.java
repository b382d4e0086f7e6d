package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ServiceIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forwards events to a delegate, logging and swallowing anything it throws. */
public final class SafeEvents implements ConnectEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SafeEvents.class);

  private final ConnectEvents delegate;

  private SafeEvents(ConnectEvents delegate) {
    this.delegate = delegate;
  }

  /** Wraps {@code delegate} unless it is already safe or {@link ConnectEvents#NONE}. */
  public static ConnectEvents of(ConnectEvents delegate) {
    requireNonNull(delegate, "delegate");
    return delegate instanceof SafeEvents || delegate == NONE ? delegate : new SafeEvents(delegate);
  }

  @Override
  public void authorizationCacheHit(AuthorizationRequest request) {
    run(() -> delegate.authorizationCacheHit(request));
  }

  @Override
  public void authorizationCacheMiss(AuthorizationRequest request) {
    run(() -> delegate.authorizationCacheMiss(request));
  }

  @Override
  public void authorizationFailed(AuthorizationRequest request, Throwable error) {
    run(() -> delegate.authorizationFailed(request, error));
  }

  @Override
  public void handshakeAccepted(String target, ServiceIdentity client) {
    run(() -> delegate.handshakeAccepted(target, client));
  }

  @Override
  public void handshakeDenied(String target, ServiceIdentity client, String reason) {
    run(() -> delegate.handshakeDenied(target, client, reason));
  }

  @Override
  public void connectionRevoked(String target, ServiceIdentity client, String reason) {
    run(() -> delegate.connectionRevoked(target, client, reason));
  }

  @Override
  public void dialSucceeded(String target, ServiceIdentity server) {
    run(() -> delegate.dialSucceeded(target, server));
  }

  @Override
  public void dialFailed(String target, String address, Throwable error) {
    run(() -> delegate.dialFailed(target, address, error));
  }

  private void run(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("event listener {} failed", delegate, e);
    }
  }
}
