package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.internal.tls.PerRevision;
import io.netty.handler.ssl.SslContext;
import java.util.function.Function;

/**
 * The TLS context a connection of the adapter begins with: one per identity revision (which changes
 * with every root or leaf rotation), made on first use, or one for good.
 *
 * <p>A context per revision is what scopes OpenSSL sessions: a server context issues tickets under
 * its own random key, so a rotation ends every session made before it (the new context cannot
 * decrypt their tickets); a client context keeps its own session cache, so no session made before a
 * rotation of the client is offered after it. Connections keep the context they began with. The JDK
 * contexts resume nothing and serve for good. Thread-safe; a lookup of the current revision is one
 * volatile read.
 */
public final class RevisionContexts {
  private final ConnectService service;
  private final Function<IdentitySnapshot, SslContext> create;
  private final SslContext fixed;
  private final PerRevision<SslContext> contexts = new PerRevision<>();

  private RevisionContexts(
      ConnectService service, Function<IdentitySnapshot, SslContext> create, SslContext fixed) {
    this.service = service;
    this.create = create;
    this.fixed = fixed;
  }

  /** One context for good. */
  public static RevisionContexts fixed(SslContext context) {
    return new RevisionContexts(null, null, requireNonNull(context, "context"));
  }

  /** A context per identity revision of {@code service}, made by {@code create}. */
  public static RevisionContexts perRevision(
      ConnectService service, Function<IdentitySnapshot, SslContext> create) {
    return new RevisionContexts(
        requireNonNull(service, "service"), requireNonNull(create, "create"), null);
  }

  /**
   * The context for a connection beginning now.
   *
   * @throws dev.connectnative.NotReadyException if the service has no identity yet (per-revision
   *     contexts only)
   * @throws IllegalStateException if a new context cannot be created
   */
  public SslContext current() {
    return fixed != null ? fixed : of(service.identity());
  }

  /**
   * The context for a connection made with {@code snapshot}, or with a newer identity if the
   * service has moved on since.
   *
   * @throws IllegalStateException if a new context cannot be created
   */
  public SslContext of(IdentitySnapshot snapshot) {
    return fixed != null ? fixed : contexts.get(snapshot.revision(), snapshot, create);
  }
}
