package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.IdentitySnapshot;
import io.netty.handler.ssl.SslContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context behind a server's gate.
 *
 * <p>With OpenSSL there is one context per identity revision (which changes with every root or leaf
 * rotation), built on first use: its leaf and key are static key material, so a handshake makes no
 * key-manager call, as in a plain Netty server, and it issues session tickets under its own random
 * key, so a rotation ends every session made before it (their tickets cannot be decrypted by the
 * new context). Connections keep the context they began with. With the JDK one context serves for
 * good: its key manager reads the current leaf per handshake, and it resumes nothing. The revision
 * check costs one volatile read per connection. Thread-safe.
 */
public final class GatedServerContexts {
  private static final Logger LOG = LoggerFactory.getLogger(GatedServerContexts.class);

  private record Current(long revision, SslContext context) {}

  private final ConnectService service;
  private final Function<IdentitySnapshot, SslContext> create;
  private final SslContext fixed;
  private volatile Current current;

  private GatedServerContexts(
      ConnectService service, Function<IdentitySnapshot, SslContext> create, SslContext fixed) {
    this.service = requireNonNull(service, "service");
    this.create = create;
    this.fixed = fixed;
  }

  /** One context for good. */
  public static GatedServerContexts fixed(ConnectService service, SslContext context) {
    return new GatedServerContexts(service, null, requireNonNull(context, "context"));
  }

  /** A context per identity revision, made by {@code create} from the revision's snapshot. */
  public static GatedServerContexts perRevision(
      ConnectService service, Function<IdentitySnapshot, SslContext> create) {
    return new GatedServerContexts(service, requireNonNull(create, "create"), null);
  }

  /**
   * The context for a connection accepted now.
   *
   * @throws dev.connectnative.NotReadyException if the service has no identity yet (per-revision
   *     contexts only)
   * @throws IllegalStateException if a new context cannot be created
   */
  public SslContext current() {
    if (fixed != null) {
      return fixed;
    }
    IdentitySnapshot snapshot = service.identity();
    Current now = current;
    if (now != null && now.revision() == snapshot.revision()) {
      return now.context();
    }
    return renew(snapshot);
  }

  private synchronized SslContext renew(IdentitySnapshot snapshot) {
    Current now = current;
    if (now != null && now.revision() >= snapshot.revision()) {
      return now.context();
    }
    current = new Current(snapshot.revision(), create.apply(snapshot));
    if (now != null) {
      LOG.info(
          "identity revision {}: new TLS context for \"{}\" (leaf serial {}); sessions made before"
              + " it are not resumed",
          snapshot.revision(),
          service.name(),
          snapshot.leaf().serialNumber());
    }
    return current.context();
  }
}
