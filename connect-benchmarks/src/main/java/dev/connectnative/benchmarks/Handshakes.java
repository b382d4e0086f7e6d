package dev.connectnative.benchmarks;

import java.nio.ByteBuffer;
import java.security.Provider;
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

  private final SSLContext serverContext;
  private final SSLContext clientContext;
  private final boolean conscrypt;
  private final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer sink = ByteBuffer.allocate(1 << 17);
  private final ByteBuffer empty = ByteBuffer.allocate(0);

  private Handshakes(Pki pki, Provider provider) {
    this.serverContext = TlsContexts.mutual(pki, "server", provider);
    this.clientContext = TlsContexts.mutual(pki, "client", provider);
    this.conscrypt = provider != null;
  }

  /**
   * Engines from {@code provider}: {@code "JDK"} or {@code "Conscrypt"}, with freshly minted
   * certificates.
   *
   * @param provider the provider name
   * @return the handshake runner
   * @throws IllegalArgumentException for an unknown provider
   */
  public static Handshakes create(String provider) {
    return switch (provider) {
      case "JDK" -> new Handshakes(new Pki(), null);
      case "Conscrypt" ->
          new Handshakes(
              new Pki(), Conscrypt.newProviderBuilder().provideTrustManager(true).build());
      default -> throw new IllegalArgumentException("unknown provider " + provider);
    };
  }

  /**
   * Runs one full handshake (client certificate required, no session resumption).
   *
   * @return the client certificate's subject as the server verified it
   * @throws SSLException if the handshake fails or does not finish
   */
  public String handshake() throws SSLException {
    SSLEngine client = clientContext.createSSLEngine("server", 443);
    client.setUseClientMode(true);
    client.setEnabledProtocols(TlsContexts.TLS13);
    SSLEngine server = serverContext.createSSLEngine();
    server.setUseClientMode(false);
    server.setEnabledProtocols(TlsContexts.TLS13);
    server.setNeedClientAuth(true);
    if (conscrypt) {
      Conscrypt.setUseSessionTickets(server, false);
    }
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
      step(client, toServer, toClient);
      step(server, toClient, toServer);
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
    while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      engine.wrap(empty, out);
      runTasks(engine);
    }
    runTasks(engine);
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
