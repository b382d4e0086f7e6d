package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.authz.CachingAuthorizer;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.tls.SessionValidity;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The server's decision after each handshake, resumed or not: checks that the client's leaf is
 * still valid (a resumed session skips the certificate checks, so a leaf that expired since the
 * session began is caught here), then asks the {@link Authorizer} whether the client may connect to
 * this service. An authorizer that may block is called on {@code executor}, never on the event
 * loop, so it cannot stall other connections; one known never to wait (the service's own caching
 * agent authorizer) is called on the calling thread, which saves two thread hand-offs per
 * connection. Any failure refuses.
 */
public final class ServerAuthorization {
  private final String target;
  private final Authorizer authorizer;
  private final Executor executor;
  private final Clock clock;

  /**
   * Creates the decision.
   *
   * @param target this service's name
   * @param authorizer decides
   * @param executor where the authorizer is called, unless it never blocks
   * @param clock the time the client's leaf is checked at
   */
  public ServerAuthorization(String target, Authorizer authorizer, Executor executor, Clock clock) {
    this.target = requireNonNull(target, "target");
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.executor =
        authorizer instanceof CachingAuthorizer caching && caching.neverBlocks()
            ? Runnable::run
            : requireNonNull(executor, "executor");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Asks whether the client of {@code session} may connect.
   *
   * @return a future completed with the question that was answered yes, or exceptionally with an
   *     {@link IOException} naming the client and the reason
   */
  public CompletableFuture<AuthorizationRequest> authorize(SSLSession session) {
    ServiceIdentity client;
    X509Certificate leaf;
    try {
      client = ConnectIdentity.of(session);
      Certificate first = session.getPeerCertificates()[0];
      leaf = (X509Certificate) first;
    } catch (InvalidIdentityException | SSLPeerUnverifiedException e) {
      return CompletableFuture.failedFuture(
          new IOException("client presented no acceptable identity: " + e.getMessage(), e));
    }
    String expired;
    try {
      expired =
          SessionValidity.problem(session, "client certificate", client, target, clock.instant());
    } catch (SSLPeerUnverifiedException e) {
      expired = "client presented no certificate";
    }
    if (expired != null) {
      return CompletableFuture.failedFuture(new IOException(expired));
    }
    AuthorizationRequest request =
        new AuthorizationRequest(target, client, Certificates.serialHex(leaf.getSerialNumber()));
    CompletableFuture<AuthorizationDecision> decision;
    try {
      decision =
          CompletableFuture.supplyAsync(() -> authorizer.authorize(request), executor)
              .thenCompose(Function.identity());
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    return decision.handle(
        (answer, error) -> {
          if (error != null) {
            throw new CompletionException(
                new IOException(
                    "cannot authorize client "
                        + client
                        + " to connect to "
                        + target
                        + ": "
                        + Failures.describe(error),
                    Failures.unwrap(error)));
          }
          if (answer == null || !answer.allowed()) {
            throw new CompletionException(
                new IOException(
                    "client "
                        + client
                        + " is not allowed to connect to "
                        + target
                        + ": "
                        + (answer == null ? "the authorizer gave no decision" : answer.reason())));
          }
          return request;
        });
  }
}
