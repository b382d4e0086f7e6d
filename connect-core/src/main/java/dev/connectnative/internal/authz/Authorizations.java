package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for an authorization decision on the calling thread and fails closed. */
public final class Authorizations {
  private Authorizations() {}

  /**
   * Asks {@code authorizer} and waits at most {@code timeout}.
   *
   * @return the positive decision
   * @throws DeniedException if the decision is negative, failed or did not come in time; the
   *     message reads {@code client <uri> is not allowed to connect to <target>: <reason>}
   */
  public static AuthorizationDecision require(
      Authorizer authorizer, AuthorizationRequest request, Duration timeout)
      throws DeniedException {
    requireNonNull(authorizer, "authorizer");
    requireNonNull(request, "request");
    requireNonNull(timeout, "timeout");
    AuthorizationDecision decision;
    try {
      decision = authorizer.authorize(request).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new DeniedException(refusal(request, cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new DeniedException(
          refusal(request, "no authorization decision within " + timeout.toMillis() + " ms"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeniedException(refusal(request, "interrupted while authorizing"), e);
    }
    if (decision == null || !decision.allowed()) {
      throw new DeniedException(
          refusal(request, decision == null ? "no decision" : decision.reason()), null);
    }
    return decision;
  }

  /** The message of a refusal: {@code client <uri> is not allowed to connect to <t>: <why>}. */
  static String refusal(AuthorizationRequest request, String why) {
    return "client "
        + request.client()
        + " is not allowed to connect to "
        + request.target()
        + ": "
        + why;
  }
}
