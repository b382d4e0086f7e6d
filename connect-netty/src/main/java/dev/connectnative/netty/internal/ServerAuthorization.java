package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.pem.Certificates;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The server's decision after each handshake: asks the {@link Authorizer} whether the client may
 * connect to this service. The authorizer is called on {@code executor}, never on the event loop,
 * so even an authorizer that blocks cannot stall other connections. Any failure refuses.
 */
public final class ServerAuthorization {
  private final String target;
  private final Authorizer authorizer;
  private final Executor executor;

  /**
   * Creates the decision.
   *
   * @param target this service's name
   * @param authorizer decides
   * @param executor where the authorizer is called
   */
  public ServerAuthorization(String target, Authorizer authorizer, Executor executor) {
    this.target = requireNonNull(target, "target");
    this.authorizer = requireNonNull(authorizer, "authorizer");
    this.executor = requireNonNull(executor, "executor");
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
