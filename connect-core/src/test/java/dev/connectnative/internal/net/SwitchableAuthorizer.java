package dev.connectnative.internal.net;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Intentions held in memory, by client service name: what the agent would answer, without the
 * agent. Counts the questions it is asked. Unknown clients are denied.
 */
final class SwitchableAuthorizer implements Authorizer {
  private final Map<String, Boolean> allowed = new ConcurrentHashMap<>();
  private final AtomicInteger asked = new AtomicInteger();
  private volatile boolean down;

  SwitchableAuthorizer allow(String client) {
    allowed.put(client, true);
    return this;
  }

  SwitchableAuthorizer deny(String client) {
    allowed.put(client, false);
    return this;
  }

  void down(boolean down) {
    this.down = down;
  }

  int asked() {
    return asked.get();
  }

  @Override
  public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
    asked.incrementAndGet();
    if (down) {
      return CompletableFuture.failedFuture(
          new ConnectException("agent unreachable: Connection refused"));
    }
    String client = request.client().service();
    boolean ok = allowed.getOrDefault(client, false);
    String rule = "default/" + client + " => default/" + request.target();
    return CompletableFuture.completedFuture(
        ok
            ? AuthorizationDecision.allow("Matched L4 intention: " + rule + " (Action: ALLOW)")
            : AuthorizationDecision.deny("Matched L4 intention: " + rule + " (Action: DENY)"));
  }
}
