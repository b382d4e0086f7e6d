package dev.connectnative.internal.tls;

import static java.util.Objects.requireNonNull;

import dev.connectnative.IdentitySnapshot;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Builds the one {@link SSLContext} of a service.
 *
 * <p>The context is built once: its key and trust managers read the current identity snapshot per
 * handshake, so rotation needs no new context and open connections are untouched (with a socket
 * provider such as Conscrypt, only the provider's context behind it is replaced per rotation, to
 * scope its sessions). Every socket, server socket and engine it creates is restricted to TLS 1.3
 * and TLS 1.2 (older versions have no place in a mesh, and pinning them here keeps a JVM-wide
 * security property from re-enabling them) and, in server mode, requires a client certificate
 * (mutual TLS or nothing).
 */
public final class ConnectSslContexts {
  /** The protocol versions every connection is restricted to, most preferred first. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ConnectSslContexts() {}

  /**
   * Creates the context of a service.
   *
   * @param keyManager presents the service's leaf
   * @param trustManager validates peers
   * @return the context, ready to use
   * @throws IllegalStateException if the JDK offers no TLS implementation
   */
  public static SSLContext create(ConnectKeyManager keyManager, ConnectTrustManager trustManager) {
    return create(keyManager, trustManager, null);
  }

  /**
   * Creates the context of a service with a given JSSE provider for its sockets.
   *
   * <p>Sockets and server sockets (dial, accept, OkHttp) come from {@code provider}, from a context
   * created afresh whenever the identity revision moves (see {@link SocketContexts}); engines
   * always come from the JDK, because engine-based providers such as Conscrypt hand the trust
   * manager an inner engine rather than the one the caller registered in {@link ExpectedPeers} (the
   * Netty adapter builds its own OpenSSL engines). The context reports {@code provider} as its
   * provider.
   *
   * @param keyManager presents the service's leaf
   * @param trustManager validates peers
   * @param provider the provider of the socket TLS implementation (e.g. an unregistered Conscrypt),
   *     or {@code null} for the JDK's default everywhere
   * @return the context, ready to use
   * @throws IllegalStateException if a provider offers no TLS implementation
   */
  public static SSLContext create(
      ConnectKeyManager keyManager, ConnectTrustManager trustManager, Provider provider) {
    return create(keyManager, trustManager, provider, true);
  }

  /**
   * Creates the context of a service, with or without session resumption.
   *
   * @param keyManager presents the service's leaf
   * @param trustManager validates peers
   * @param provider the provider of the socket TLS implementation, or {@code null} for the JDK's
   * @param resumption {@code false}: no socket of the context resumes a session, whatever {@link
   *     #allowResumption} is asked; {@code true}: accepted sockets of the service's server sockets,
   *     and dialed sockets allowed to, resume sessions of the current identity revision
   * @return the context, ready to use
   * @throws IllegalStateException if a provider offers no TLS implementation
   */
  public static SSLContext create(
      ConnectKeyManager keyManager,
      ConnectTrustManager trustManager,
      Provider provider,
      boolean resumption) {
    requireNonNull(keyManager, "keyManager");
    requireNonNull(trustManager, "trustManager");
    SSLContext jdk = initialised(keyManager, trustManager, null);
    SocketContexts sockets =
        provider == null
            ? SocketContexts.fixed(jdk)
            : SocketContexts.perRevision(
                () -> initialised(keyManager, trustManager, provider), trustManager::revision);
    return new RestrictedSslContext(sockets, jdk, resumption ? trustManager::revision : null);
  }

  /**
   * Lets a client socket of a Connect context resume a session made with the same identity revision
   * and the same host and port (the host names the target's identity, see the dialer). A resumed
   * session skips the trust manager, so the caller must compare the session's peer identity with
   * the expected one after every handshake. Call before the handshake.
   *
   * @param context the Connect context that created {@code socket}; if it was created without
   *     resumption, nothing changes
   * @param socket a client socket created by the context's socket factory
   * @param identity the snapshot the connection is made with
   * @return {@code socket}
   */
  public static SSLSocket allowResumption(
      SSLContext context, SSLSocket socket, IdentitySnapshot identity) {
    requireNonNull(socket, "socket");
    requireNonNull(identity, "identity");
    if (context instanceof RestrictedSslContext restricted && !restricted.resumption()) {
      return socket;
    }
    return Restrictions.resumable(socket, identity.revision());
  }

  private static SSLContext initialised(
      ConnectKeyManager keyManager, ConnectTrustManager trustManager, Provider provider) {
    try {
      SSLContext context =
          provider == null
              ? SSLContext.getInstance("TLS")
              : SSLContext.getInstance("TLS", provider);
      context.init(
          new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
    }
  }
}
