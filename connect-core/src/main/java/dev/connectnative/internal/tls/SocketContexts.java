package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The initialised context a service's sockets come from.
 *
 * <p>With the JDK it is one context for the service's life: JSSE resumes a session only under the
 * identity revision it was made with (see {@link Restrictions}). A provider that offers no such
 * scoping and no way to replace its ticket key or walk its client cache (Conscrypt) gets a fresh
 * context whenever the identity revision moves: the new context has a new random ticket key, so
 * tickets issued before a rotation are not accepted after it, and an empty client session cache, so
 * no session made before a rotation is offered after it. Open connections keep their old context.
 * Thread-safe; the revision check costs one volatile read per socket.
 */
final class SocketContexts {
  /** A context and its socket factory, made once so a socket costs no factory allocation. */
  private record Sockets(SSLContext context, SSLSocketFactory factory) {
    static Sockets of(SSLContext context) {
      return new Sockets(context, context.getSocketFactory());
    }
  }

  private final Sockets fixed;
  private final Supplier<SSLContext> create;
  private final LongSupplier revision;
  private final PerRevision<Sockets> contexts = new PerRevision<>();

  private SocketContexts(Sockets fixed, Supplier<SSLContext> create, LongSupplier revision) {
    this.fixed = fixed;
    this.create = create;
    this.revision = revision;
  }

  /** One context for good. */
  static SocketContexts fixed(SSLContext context) {
    return new SocketContexts(Sockets.of(requireNonNull(context, "context")), null, null);
  }

  /** A context per identity revision, created by {@code create}. */
  static SocketContexts perRevision(Supplier<SSLContext> create, LongSupplier revision) {
    return new SocketContexts(
        null, requireNonNull(create, "create"), requireNonNull(revision, "revision"));
  }

  /** The context for sockets created now. */
  SSLContext current() {
    return sockets().context();
  }

  /** The socket factory of {@link #current()}. */
  SSLSocketFactory socketFactory() {
    return sockets().factory();
  }

  private Sockets sockets() {
    return fixed != null
        ? fixed
        : contexts.get(revision.getAsLong(), create, make -> Sockets.of(make.get()));
  }
}
