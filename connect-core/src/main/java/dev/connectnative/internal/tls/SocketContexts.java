package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

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
  private record Current(long revision, SSLContext context) {}

  private final Supplier<SSLContext> create;
  private final LongSupplier revision;
  private volatile Current current;

  private SocketContexts(Supplier<SSLContext> create, LongSupplier revision, SSLContext first) {
    this.create = create;
    this.revision = revision;
    this.current = new Current(revision == null ? 0 : revision.getAsLong(), first);
  }

  /** One context for good. */
  static SocketContexts fixed(SSLContext context) {
    return new SocketContexts(null, null, requireNonNull(context, "context"));
  }

  /** A context per identity revision, created by {@code create}. */
  static SocketContexts perRevision(Supplier<SSLContext> create, LongSupplier revision) {
    requireNonNull(create, "create");
    requireNonNull(revision, "revision");
    return new SocketContexts(create, revision, create.get());
  }

  /** The context for sockets created now. */
  SSLContext current() {
    Current now = current;
    if (revision == null || now.revision() == revision.getAsLong()) {
      return now.context();
    }
    return renew();
  }

  private synchronized SSLContext renew() {
    long wanted = revision.getAsLong();
    if (current.revision() != wanted) {
      current = new Current(wanted, create.get());
    }
    return current.context();
  }
}
