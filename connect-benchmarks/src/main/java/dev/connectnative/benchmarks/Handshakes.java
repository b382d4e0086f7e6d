package dev.connectnative.benchmarks;

import dev.connectnative.testkit.IssuedLeaf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.conscrypt.Conscrypt;

/**
 * Full mutual TLS 1.3 handshakes between two in-memory {@link SSLEngine}s of one provider, for
 * micro-benchmarks. Not thread-safe: one instance per benchmark thread.
 */
public final class Handshakes {
  private static final int MAX_FLIGHTS = 32;

  private final Supplier<SSLEngine> clients;
  private final Supplier<SSLEngine> servers;

  /** Bytes the server wrote, for the client to read. */
  private final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);

  /** Bytes the client wrote, for the server to read. */
  private final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);

  private final ByteBuffer sink = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer empty = ByteBuffer.allocate(0);

  private Handshakes(Supplier<SSLEngine> clients, Supplier<SSLEngine> servers) {
    this.clients = clients;
    this.servers = servers;
  }

  /**
   * Engines from {@code provider}: {@code "JDK"}, {@code "Conscrypt"} or {@code "OpenSSL"}
   * (BoringSSL through Netty's engine), with freshly minted certificates. No engine issues session
   * tickets or resumes a session.
   *
   * @param provider the provider name
   * @return the handshake runner
   * @throws IllegalArgumentException for an unknown provider
   * @throws IllegalStateException if the provider's native library is not available
   */
  public static Handshakes create(String provider) {
    Pki pki = new Pki();
    return switch (provider) {
      case "JDK" -> jsse(pki, null);
      case "Conscrypt" ->
          jsse(pki, Conscrypt.newProviderBuilder().provideTrustManager(true).build());
      case "OpenSSL" -> openSsl(pki);
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
  }

  private static Handshakes jsse(Pki pki, Provider provider) {
    SSLContext server = TlsContexts.mutual(pki, "server", provider);
    SSLContext client = TlsContexts.mutual(pki, "client", provider);
    return new Handshakes(
        () -> client.createSSLEngine("server", 443),
        () -> {
          SSLEngine engine = server.createSSLEngine();
          if (provider != null) {
            Conscrypt.setUseSessionTickets(engine, false);
          }
          return engine;
        });
  }

  private static Handshakes openSsl(Pki pki) {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "netty-tcnative is not available: " + OpenSsl.unavailabilityCause());
    }
    IssuedLeaf serverLeaf = pki.leaf("server");
    IssuedLeaf clientLeaf = pki.leaf("client");
    try {
      SslContext server =
          SslContextBuilder.forServer(serverLeaf.privateKey(), serverLeaf.certificate(), pki.root())
              .sslProvider(SslProvider.OPENSSL_REFCNT)
              .protocols(TlsContexts.TLS13)
              .trustManager(pki.root())
              .clientAuth(ClientAuth.REQUIRE)
              .build();
      SslContext client =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.OPENSSL_REFCNT)
              .protocols(TlsContexts.TLS13)
              .keyManager(clientLeaf.privateKey(), clientLeaf.certificate(), pki.root())
              .trustManager(pki.root())
              .build();
      return new Handshakes(
          () -> client.newEngine(ByteBufAllocator.DEFAULT),
          () -> server.newEngine(ByteBufAllocator.DEFAULT));
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build OpenSSL contexts", e);
    }
  }

  /**
   * Runs one full handshake (client certificate required, no session resumption).
   *
   * @return the client certificate's subject as the server verified it
   * @throws SSLException if the handshake fails or does not finish
   */
  public String handshake() throws SSLException {
    SSLEngine client = clients.get();
    SSLEngine server = servers.get();
    try {
      client.setUseClientMode(true);
      client.setEnabledProtocols(TlsContexts.TLS13);
      server.setUseClientMode(false);
      server.setEnabledProtocols(TlsContexts.TLS13);
      server.setNeedClientAuth(true);
      return run(client, server);
    } finally {
      free(client);
      free(server);
    }
  }

  /**
   * Frees the engine's native state now rather than at garbage collection: Conscrypt holds a pipe
   * per engine until it has wrapped its close_notify and both directions are closed; Netty's
   * engines are reference counted.
   */
  private void free(SSLEngine engine) {
    if (ReferenceCountUtil.release(engine)) {
      return;
    }
    engine.closeOutbound();
    try {
      for (int i = 0; i < MAX_FLIGHTS && !engine.isOutboundDone(); i++) {
        sink.clear();
        if (engine.wrap(empty, sink).bytesProduced() == 0) {
          break;
        }
      }
      engine.closeInbound();
    } catch (SSLException expected) {
      // No close_notify came from the peer: the handshake was the whole point.
    }
  }

  private String run(SSLEngine client, SSLEngine server) throws SSLException {
    toServer.clear();
    toClient.clear();
    client.beginHandshake();
    server.beginHandshake();
    for (int flight = 0; flight < MAX_FLIGHTS; flight++) {
      if (idle(client) && idle(server) && toServer.position() == 0 && toClient.position() == 0) {
        if (!"TLSv1.3".equals(client.getSession().getProtocol())) {
          throw new SSLException("negotiated " + client.getSession().getProtocol());
        }
        return server.getSession().getPeerPrincipal().getName();
      }
      step(client, toClient, toServer);
      step(server, toServer, toClient);
    }
    throw new SSLException("handshake did not finish within " + MAX_FLIGHTS + " flights");
  }

  /** Feeds {@code engine} what its peer sent ({@code in}), then lets it write to {@code out}. */
  private void step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
    in.flip();
    while (in.hasRemaining()) {
      sink.clear();
      if (engine.unwrap(in, sink).bytesConsumed() == 0) {
        break;
      }
      runTasks(engine);
    }
    in.compact();
    // Wrap until nothing more comes out: an OpenSSL engine may report the handshake finished while
    // its last flight still waits to be wrapped.
    for (int i = 0; i < MAX_FLIGHTS; i++) {
      int produced = engine.wrap(empty, out).bytesProduced();
      runTasks(engine);
      if (produced == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        return;
      }
    }
  }

  private static boolean idle(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }
}
