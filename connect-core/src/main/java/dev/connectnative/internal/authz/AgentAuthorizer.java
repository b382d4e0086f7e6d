package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.internal.agent.AgentClient;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the local agent for every decision ({@code POST /v1/agent/connect/authorize}), without
 * caching: wrap it in a {@link CachingAuthorizer}. Agent failures complete the future exceptionally
 * with the agent's {@link dev.connectnative.AgentException}, so callers fail closed.
 */
public final class AgentAuthorizer implements Authorizer {
  private final AgentClient agent;

  /** Creates an authorizer over {@code agent}, which the caller keeps owning. */
  public AgentAuthorizer(AgentClient agent) {
    this.agent = requireNonNull(agent, "agent");
  }

  @Override
  public CompletableFuture<AuthorizationDecision> authorize(AuthorizationRequest request) {
    requireNonNull(request, "request");
    return agent
        .authorizeCall(request.target(), request.client().toString(), request.clientCertSerial())
        .executeAsync()
        .thenApply(
            answer ->
                new AuthorizationDecision(answer.value().authorized(), answer.value().reason()));
  }

  @Override
  public String toString() {
    return "AgentAuthorizer[" + agent.config() + "]";
  }
}
