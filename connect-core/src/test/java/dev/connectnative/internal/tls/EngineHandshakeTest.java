package dev.connectnative.internal.tls;

import static dev.connectnative.internal.tls.Loopback.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The same checks through {@link SSLEngine}s, the path Netty and Jetty take. */
class EngineHandshakeTest {
  private final Pki ca = Pki.create();
  private final Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
  private final Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));

  @Test
  void theExpectationRegisteredForAnEngineIsChecked() throws Exception {
    SSLEngine client = web.context().createSSLEngine("echo", 443);
    client.setUseClientMode(true);
    SSLEngine server = echo.context().createSSLEngine();
    server.setUseClientMode(false);
    ExpectedPeers.expect(client, echo.id());

    handshake(client, server);

    assertThat(ConnectIdentity.of(client.getSession())).isEqualTo(echo.id());
    assertThat(ConnectIdentity.of(server.getSession())).isEqualTo(web.id());
  }

  @Test
  void anEngineExpectingAnotherServiceIsRefused() {
    SSLEngine client = web.context().createSSLEngine("echo", 443);
    client.setUseClientMode(true);
    SSLEngine server = echo.context().createSSLEngine();
    server.setUseClientMode(false);
    ExpectedPeers.expect(client, ServiceIdentity.of(ca.trustDomain(), "dc1", "db"));

    assertThatThrownBy(() -> handshake(client, server))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining(
            "but this connection expects spiffe://"
                + ca.trustDomain()
                + "/ns/default/dc/dc1/svc/db");
  }

  @Test
  void anEngineWithoutExpectationIsRefused() {
    SSLEngine client = web.context().createSSLEngine();
    client.setUseClientMode(true);
    SSLEngine server = echo.context().createSSLEngine();
    server.setUseClientMode(false);

    assertThatThrownBy(() -> handshake(client, server))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("no expected service identity is registered");
  }

  @Test
  void connectIdentityRefusesASessionWithoutPeerCertificate() {
    SSLEngine fresh = web.context().createSSLEngine();

    assertThatThrownBy(() -> ConnectIdentity.of(fresh.getSession()))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage(
            "TLS session has no verified peer certificate (no handshake yet, or the peer sent none)");
  }

  /** Shuttles records between two engines until both finish, running delegated tasks inline. */
  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    int size = client.getSession().getPacketBufferSize() * 4;
    ByteBuffer toServer = ByteBuffer.allocate(size);
    ByteBuffer toClient = ByteBuffer.allocate(size);
    ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() * 4);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < 200; step++) {
      if (done(client) && done(server)) {
        return;
      }
      client.wrap(empty, toServer);
      runTasks(client);
      toServer.flip();
      server.unwrap(toServer, app);
      toServer.compact();
      runTasks(server);
      server.wrap(empty, toClient);
      runTasks(server);
      toClient.flip();
      client.unwrap(toClient, app);
      toClient.compact();
      runTasks(client);
      app.clear();
    }
    throw new AssertionError("handshake did not finish");
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine engine) {
    for (Runnable task = engine.getDelegatedTask();
        task != null;
        task = engine.getDelegatedTask()) {
      task.run();
    }
  }
}
