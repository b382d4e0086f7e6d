package dev.connectnative.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TlsProvider;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import dev.connectnative.internal.tls.ExpectedPeers;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real mutual-TLS handshakes over loopback sockets and between engines with the service's own key
 * and trust managers under each provider: the expected server identity is found for the very socket
 * or engine object the provider hands the trust manager, wrong servers are refused inside the
 * handshake, and TLS 1.3 with X25519 is negotiated.
 */
class ProviderHandshakeTest {
  private static final TestCa CA = TestCa.create();

  private SSLServerSocket server;

  @AfterEach
  void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static SSLContext context(String service, TlsProvider provider) {
    IssuedLeaf issued = CA.leaf(service);
    LeafCertificate leaf =
        LeafCertificate.of(
            List.of(issued.certificate(), CA.rootCertificate()), issued.privateKey());
    X509Certificate root = CA.rootCertificate();
    TrustBundle trust = new TrustBundle(CA.trustDomain(), List.of(root), List.of(), root);
    StaticIdentitySource source = StaticIdentitySource.of(new IdentitySnapshot(trust, leaf, 1));
    ConnectTrustManager tm =
        new ConnectTrustManager(source, TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
    TlsProviders.Selection selection = TlsProviders.select(provider, service);
    return ConnectSslContexts.create(
        new ConnectKeyManager(source), tm, selection.provider().orElse(null));
  }

  private static ServiceIdentity identity(String service) {
    return ServiceIdentity.of(CA.trustDomain(), "dc1", service);
  }

  /** A server that completes one handshake at a time and reports the client's certificate. */
  private CompletableFuture<String> serveOnce(SSLContext context) throws IOException {
    server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    CompletableFuture<String> client = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (SSLSocket accepted = (SSLSocket) server.accept()) {
                accepted.startHandshake();
                client.complete(
                    ((X509Certificate) accepted.getSession().getPeerCertificates()[0])
                        .getSubjectAlternativeNames()
                        .toString());
                accepted.getOutputStream().write(1);
                accepted.getOutputStream().flush();
              } catch (Exception e) {
                client.completeExceptionally(e);
              }
            },
            "provider-test-server");
    t.setDaemon(true);
    t.start();
    return client;
  }

  private SSLSocket dial(SSLContext context, ServiceIdentity expected) throws IOException {
    Socket raw = new Socket();
    raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    SSLSocket ssl =
        (SSLSocket)
            context.getSocketFactory().createSocket(raw, "echo", server.getLocalPort(), true);
    ssl.setUseClientMode(true);
    ssl.setSoTimeout(10_000);
    if (expected != null) {
      ExpectedPeers.expect(ssl, expected);
    }
    return ssl;
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void socketsHandshakeWithTheExpectedServer(TlsProvider provider) throws Exception {
    SSLContext client = context("web", provider);
    assertThat(client.getProvider().getName())
        .isEqualTo(provider == TlsProvider.CONSCRYPT ? "Conscrypt" : "SunJSSE");
    CompletableFuture<String> seen = serveOnce(context("echo", provider));
    try (SSLSocket ssl = dial(client, identity("echo"))) {
      ssl.startHandshake();
      assertThat(ssl.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(ssl.getInputStream().read()).isEqualTo(1);
    }
    assertThat(seen.get(10, TimeUnit.SECONDS)).contains(CA.serviceUri("web"));
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aServerOtherThanTheExpectedOneIsRefusedInTheHandshake(TlsProvider provider)
      throws Exception {
    serveOnce(context("echo", provider));
    try (SSLSocket ssl = dial(context("web", provider), identity("db"))) {
      assertThatThrownBy(ssl::startHandshake)
          .isInstanceOf(SSLException.class)
          .hasStackTraceContaining("server presented " + identity("echo"))
          .hasStackTraceContaining("but this connection expects " + identity("db"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aDialWithoutExpectationIsRefused(TlsProvider provider) throws Exception {
    serveOnce(context("echo", provider));
    try (SSLSocket ssl = dial(context("web", provider), null)) {
      assertThatThrownBy(ssl::startHandshake)
          .isInstanceOf(SSLException.class)
          .hasStackTraceContaining("no expected service identity is registered");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void enginesComeFromTheJdkAndFindTheExpectationOfTheEngineObject(TlsProvider provider)
      throws Exception {
    SSLEngine good = context("web", provider).createSSLEngine("echo", 443);
    assertThat(good.getClass().getName()).startsWith("sun.security.ssl.");
    good.setUseClientMode(true);
    ExpectedPeers.expect(good, identity("echo"));
    SSLEngine server = context("echo", provider).createSSLEngine();
    server.setUseClientMode(false);
    handshake(good, server);
    assertThat(good.getSession().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(good.getSession().getPeerCertificates()).isNotEmpty();

    SSLEngine wrong = context("web", provider).createSSLEngine("db", 443);
    wrong.setUseClientMode(true);
    ExpectedPeers.expect(wrong, identity("db"));
    SSLEngine server2 = context("echo", provider).createSSLEngine();
    server2.setUseClientMode(false);
    assertThatThrownBy(() -> handshake(wrong, server2))
        .isInstanceOf(SSLException.class)
        .hasStackTraceContaining("but this connection expects " + identity("db"));
  }

  /** Runs both engines until neither needs more, moving bytes through buffers. */
  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    ByteBuffer sink = ByteBuffer.allocate(1 << 17);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 64; i++) {
      step(client, toServer, toClient, empty, sink);
      step(server, toClient, toServer, empty, sink);
      if (done(client) && done(server)) {
        return;
      }
    }
    throw new AssertionError("handshake did not finish: " + client.getHandshakeStatus());
  }

  private static void step(
      SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer empty, ByteBuffer sink)
      throws SSLException {
    for (int i = 0; i < 8; i++) {
      HandshakeStatus status = engine.getHandshakeStatus();
      if (status == HandshakeStatus.NEED_TASK) {
        for (Runnable task = engine.getDelegatedTask();
            task != null;
            task = engine.getDelegatedTask()) {
          task.run();
        }
      } else if (status == HandshakeStatus.NEED_WRAP) {
        engine.wrap(empty, out);
      } else if (status == HandshakeStatus.NEED_UNWRAP && in.position() > 0) {
        in.flip();
        sink.clear();
        engine.unwrap(in, sink);
        in.compact();
      } else {
        return;
      }
    }
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus s = engine.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }
}
