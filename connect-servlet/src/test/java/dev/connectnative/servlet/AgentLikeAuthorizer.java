package dev.connectnative.servlet;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Answers as the agent's {@code /v1/agent/connect/authorize} does from one config entry, ACLs
 * disabled: the highest-precedence matching source decides, an L7 source is a denial ("Matched L7
 * intention"), and no match is allowed by default.
 */
final class AgentLikeAuthorizer implements Authorizer {
  private static final IntentionRequest ANY = new IntentionRequest("GET", "/", Map.of());

  final List<AuthorizationRequest> requests = new CopyOnWriteArrayList<>();
  private volatile ServiceIntentions intentions;
  private volatile CompletableFuture<AuthorizationDecision> override;

  AgentLikeAuthorizer(ServiceIntentions intentions) {
    this.intentions = intentions;
  }

  void intentions(ServiceIntentions intentions) {
    this.intentions = intentions;
  }

  /** Makes every later call answer with {@code answer} instead. */
  void answerWith(CompletableFuture<AuthorizationDecision> answer) {
    this.override = answer;
  }

  @Override
  public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
    requests.add(request);
    CompletableFuture<AuthorizationDecision> fixed = override;
    if (fixed != null) {
      return fixed;
    }
    if (!request.target().equals(intentions.destination())) {
      return CompletableFuture.failedFuture(
          new ConnectException("no intentions known for " + request.target()));
    }
    if (intentions.governsAtLayer7(request.client())) {
      return CompletableFuture.completedFuture(
          AuthorizationDecision.deny(
              "Matched L7 intention: default/"
                  + request.client().service()
                  + " => default/"
                  + request.target()));
    }
    IntentionDecision decision = intentions.evaluate(request.client(), ANY);
    return CompletableFuture.completedFuture(
        switch (decision.outcome()) {
          case ALLOW -> AuthorizationDecision.allow(decision.reason());
          case DENY -> AuthorizationDecision.deny(decision.reason());
          default -> AuthorizationDecision.allow("ACLs disabled, access is allowed by default");
        });
  }
}
