package dev.connectnative.netty;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Decides from a per-client-service table (allow unless told otherwise) and records each request
 * with the thread it was asked on. A client can also be made to wait for a decision the test
 * completes.
 */
final class TestAuthorizer implements Authorizer {
  final List<AuthorizationRequest> requests = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Map<String, CompletableFuture<AuthorizationDecision>> decisions =
      new ConcurrentHashMap<>();

  void allow(String clientService) {
    decisions.remove(clientService);
  }

  void deny(String clientService) {
    decisions.put(
        clientService,
        CompletableFuture.completedFuture(
            AuthorizationDecision.deny(
                "Matched L4 intention: default/" + clientService + " => default/echo (DENY)")));
  }

  /** Makes the decision for {@code clientService} pending; the test completes the future. */
  CompletableFuture<AuthorizationDecision> pending(String clientService) {
    CompletableFuture<AuthorizationDecision> pending = new CompletableFuture<>();
    decisions.put(clientService, pending);
    return pending;
  }

  @Override
  public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
    requests.add(request);
    threads.add(Thread.currentThread());
    return decisions.getOrDefault(
        request.client().service(),
        CompletableFuture.completedFuture(AuthorizationDecision.allow("default allow")));
  }
}
