package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits, boundedly, for an {@link Authorizer}'s answer; every failure becomes an exception. */
final class Decisions {
  /** The reason prefix of the agent's answer for a caller governed by an L7 intention. */
  static final String L7_REASON = "Matched L7 intention";

  /** No decision could be made; the message says why, naming client and target. */
  static final class UndecidedException extends Exception {
    private static final long serialVersionUID = 1L;

    UndecidedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Decisions() {}

  /** Asks {@code authorizer} and waits at most {@code timeout} for the decision. */
  static AuthorizationDecision decide(
      Authorizer authorizer, AuthorizationRequest request, Duration timeout)
      throws UndecidedException {
    String what =
        "cannot authorize client " + request.client() + " for \"" + request.target() + "\"";
    CompletableFuture<AuthorizationDecision> future;
    try {
      future = authorizer.authorize(request);
    } catch (RuntimeException e) {
      throw new UndecidedException(what + ": " + e.getMessage(), e);
    }
    try {
      return requireNonNull(
          future.get(timeout.toNanos(), TimeUnit.NANOSECONDS), "authorizer answered null");
    } catch (ExecutionException e) {
      throw new UndecidedException(what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new UndecidedException(what + ": no decision within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UndecidedException(what + ": interrupted", e);
    } catch (RuntimeException e) {
      throw new UndecidedException(what + ": " + e.getMessage(), e);
    }
  }
}
