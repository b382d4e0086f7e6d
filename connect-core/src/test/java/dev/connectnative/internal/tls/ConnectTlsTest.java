package dev.connectnative.internal.tls;

import static dev.connectnative.internal.tls.Loopback.connect;
import static dev.connectnative.internal.tls.Loopback.endpoint;
import static dev.connectnative.internal.tls.Loopback.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.ConnectIdentity;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectTlsTest {
  private final Pki ca = Pki.create();
  private final Loopback loopback = new Loopback();

  @AfterEach
  void tearDown() {
    loopback.close();
  }

  @Test
  void mutualTlsHandshakeCarriesBothIdentities() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client = connect(web, server, echo.id())) {
      assertThat(roundTrip(client, 42)).isEqualTo(42);
      SSLSocket accepted = server.accepted.poll(10, TimeUnit.SECONDS);

      assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(ConnectIdentity.of(client.getSession())).isEqualTo(echo.id());
      assertThat(ConnectIdentity.of(accepted.getSession())).isEqualTo(web.id());
      assertThat(accepted.getSession().getPeerCertificates()[0])
          .isEqualTo(web.source().current().orElseThrow().leaf().certificate());
    }
  }

  @Test
  void handshakesWithRsaLeavesAndAnRsaRoot() throws Exception {
    Pki rsaCa = Pki.create(ca.trustDomain(), "RSA");
    Loopback.Endpoint web =
        endpoint(rsaCa.leafBuilder("web").keyAlgorithm("RSA").issue(), List.of(rsaCa.root()));
    Loopback.Endpoint echo = endpoint(rsaCa.leaf("echo"), List.of(rsaCa.root()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client = connect(web, server, echo.id())) {
      assertThat(roundTrip(client, 3)).isEqualTo(3);
      assertThat(
              server
                  .accepted
                  .poll(10, TimeUnit.SECONDS)
                  .getSession()
                  .getPeerCertificates()[0]
                  .getPublicKey()
                  .getAlgorithm())
          .isEqualTo("RSA");
    }
  }

  @Test
  void aFailingAuthorizerRefusesTheClientInsteadOfEscapingJsse() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));
    echo.trustManager()
        .clientAuthorizer(
            (client, leaf, handle) -> {
              throw new IllegalStateException("intentions cache is closed");
            });

    try (Loopback.Server server = loopback.serve(echo)) {
      assertThatThrownBy(
              () -> {
                try (SSLSocket client = connect(web, server, echo.id())) {
                  roundTrip(client, 1);
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(server.firstFailure.get(10, TimeUnit.SECONDS))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessage("cannot verify the client certificate: intentions cache is closed");
    }
  }

  @Test
  void refusesAServerFromAnUnknownCa() throws Exception {
    Pki stranger = Pki.create(ca.trustDomain(), "EC");
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(stranger.leaf("echo"), List.of(stranger.root()));

    assertServerRefused(
        web,
        echo,
        echo.id(),
        "does not chain to any of our 1 trusted root(s) of " + ca.trustDomain());
  }

  @Test
  void refusesAnExpiredServerLeaf() throws Exception {
    Instant past = Instant.now().minus(Duration.ofDays(10));
    Pki.Leaf expired =
        ca.leafBuilder("echo").validity(past, past.plus(Duration.ofHours(72))).issue();

    assertServerRefused(
        endpoint(ca.leaf("web"), List.of(ca.root())),
        endpoint(expired, List.of(ca.root())),
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "server certificate spiffe://" + ca.trustDomain() + "/ns/default/dc/dc1/svc/echo (serial ",
        ") expired at "
            + past.plus(Duration.ofHours(72)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void refusesANotYetValidServerLeaf() throws Exception {
    Instant future = Instant.now().plus(Duration.ofDays(1));
    Pki.Leaf early =
        ca.leafBuilder("echo").validity(future, future.plus(Duration.ofHours(72))).issue();

    assertServerRefused(
        endpoint(ca.leaf("web"), List.of(ca.root())),
        endpoint(early, List.of(ca.root())),
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "is not valid before");
  }

  @Test
  void refusesAServerLeafWithoutUriSan() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Pki.Leaf bare = ca.leafBuilder("echo").uris(List.of()).issue();
    ConnectTrustManager tm = web.trustManager();

    assertThatThrownBy(
            () -> tm.checkServerTrusted(bare.chain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("server presented an unacceptable leaf: certificate \"CN=leaf\"")
        .hasMessageContaining("has no URI SAN");
  }

  @Test
  void refusesAServerLeafWithTwoUriSans() throws Exception {
    String td = ca.trustDomain();
    Pki.Leaf twice =
        ca.leafBuilder("echo")
            .uris(
                List.of(
                    "spiffe://" + td + "/ns/default/dc/dc1/svc/echo",
                    "spiffe://" + td + "/ns/default/dc/dc1/svc/db"))
            .issue();
    Loopback.Endpoint client = endpoint(ca.leaf("web"), List.of(ca.root()));

    assertThatThrownBy(
            () ->
                client
                    .trustManager()
                    .checkServerTrusted(twice.chain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("has 2 URI SANs")
        .hasMessageContaining("(a Connect leaf carries exactly one)");
  }

  @Test
  void refusesUnusualLeavesInARealHandshake() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint bare = serverWithRawLeaf(ca.leafBuilder("echo").uris(List.of()).issue());

    assertServerRefused(
        web, bare, ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"), "has no URI SAN");
  }

  @Test
  void refusesACaCertificateUsedAsALeaf() throws Exception {
    Pki.Leaf caLeaf = ca.leafBuilder("echo").certificateAuthority(true).issue();
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));

    assertThatThrownBy(
            () ->
                web.trustManager()
                    .checkServerTrusted(caLeaf.chain().toArray(X509Certificate[]::new), "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessageStartingWith(
            "server presented the CA certificate spiffe://"
                + ca.trustDomain()
                + "/ns/default/dc/dc1/svc/echo")
        .hasMessageEndingWith("as its leaf");
    assertServerRefused(
        web,
        serverWithRawLeaf(caLeaf),
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "presented the CA certificate");
  }

  @Test
  void refusesAServerLeafWhoseExtendedKeyUsageForbidsServing() throws Exception {
    Pki.Leaf clientOnly =
        ca.leafBuilder("echo").usages(List.of(KeyPurposeId.id_kp_clientAuth)).issue();

    assertServerRefused(
        endpoint(ca.leaf("web"), List.of(ca.root())),
        endpoint(clientOnly, List.of(ca.root())),
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "does not allow TLS Web Server Authentication");
  }

  @Test
  void refusesAnotherTrustDomainSignedByOurRoot() throws Exception {
    Pki.Leaf foreign =
        ca.leafBuilder("echo")
            .uris(
                List.of(
                    "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/echo"))
            .issue();
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));

    assertServerRefused(
        web,
        serverWithRawLeaf(foreign),
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "server presented spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/echo"
            + " from trust domain 11111111-2222-3333-4444-555555555555.consul, but policy OWN_TRUST_DOMAIN accepts only "
            + ca.trustDomain());
  }

  @Test
  void acceptsAnotherTrustDomainPresentInOurRootsOnlyWhenThePolicySaysSo() throws Exception {
    Pki other = Pki.create();
    List<X509Certificate> both = List.of(ca.root(), other.root());
    Loopback.Endpoint echo =
        endpoint(
            other.leaf("echo"),
            both,
            List.of(),
            TrustDomainPolicy.ANY_TRUST_DOMAIN_IN_ROOTS,
            Clock.systemUTC());
    ServiceIdentity expected = ServiceIdentity.of(ca.trustDomain(), "dc1", "echo");

    Loopback.Endpoint strict =
        endpoint(
            ca.leaf("web"), both, List.of(), TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
    assertServerRefused(strict, echo, expected, "from trust domain " + other.trustDomain());

    Loopback.Endpoint migrating =
        endpoint(
            ca.leaf("web"),
            both,
            List.of(),
            TrustDomainPolicy.ANY_TRUST_DOMAIN_IN_ROOTS,
            Clock.systemUTC());
    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client = connect(migrating, server, expected)) {
      assertThat(roundTrip(client, 7)).isEqualTo(7);
    }
  }

  @Test
  void refusesAServerThatIsNotTheExpectedService() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint db = endpoint(ca.leaf("db"), List.of(ca.root()));

    assertServerRefused(
        web,
        db,
        ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"),
        "server presented spiffe://"
            + ca.trustDomain()
            + "/ns/default/dc/dc1/svc/db but this connection expects spiffe://"
            + ca.trustDomain()
            + "/ns/default/dc/dc1/svc/echo");
  }

  @Test
  void comparesTheExpectedServiceNameLikeConsulIgnoringCase() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("Echo"), List.of(ca.root()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client =
            connect(web, server, ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"))) {
      assertThat(roundTrip(client, 1)).isEqualTo(1);
    }
  }

  @Test
  void failsClosedWithoutARegisteredExpectation() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));

    assertServerRefused(
        web, echo, null, "no expected service identity is registered for this connection");
    assertThatThrownBy(
            () ->
                web.trustManager()
                    .checkServerTrusted(
                        echo.source()
                            .current()
                            .orElseThrow()
                            .leaf()
                            .chain()
                            .toArray(X509Certificate[]::new),
                        "EC"))
        .hasMessageContaining("no expected service identity is registered");
  }

  @Test
  void serverRefusesAClientFromAnUnknownCa() throws Exception {
    Pki stranger = Pki.create(ca.trustDomain(), "EC");
    Loopback.Endpoint intruder = endpoint(stranger.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));

    try (Loopback.Server server = loopback.serve(echo)) {
      assertThatThrownBy(
              () -> {
                try (SSLSocket client = connect(intruder, server, echo.id())) {
                  roundTrip(client, 1);
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(server.firstFailure.get(10, TimeUnit.SECONDS))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining(
              "client certificate spiffe://" + ca.trustDomain() + "/ns/default/dc/dc1/svc/web")
          .hasMessageContaining("does not chain to any of our 1 trusted root(s)");
    }
  }

  @Test
  void serverRunsTheClientAuthorizerInsideTheHandshake() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint db = endpoint(ca.leaf("db"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));
    List<Object> handles = new CopyOnWriteArrayList<>();
    echo.trustManager()
        .clientAuthorizer(
            (client, leaf, handle) -> {
              handles.add(handle);
              if (!client.service().equals("web")) {
                throw new CertificateException(
                    "client " + client + " is not allowed to connect to echo");
              }
            });

    try (Loopback.Server server = loopback.serve(echo)) {
      try (SSLSocket allowed = connect(web, server, echo.id())) {
        assertThat(roundTrip(allowed, 5)).isEqualTo(5);
      }
      assertThatThrownBy(
              () -> {
                try (SSLSocket denied = connect(db, server, echo.id())) {
                  roundTrip(denied, 1);
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(server.firstFailure.get(10, TimeUnit.SECONDS))
          .hasMessage(
              "client spiffe://"
                  + ca.trustDomain()
                  + "/ns/default/dc/dc1/svc/db is not allowed to connect to echo");
    }
    assertThat(handles).hasSize(2).allMatch(SSLSocket.class::isInstance);
    assertThatThrownBy(() -> echo.trustManager().clientAuthorizer((c, l, h) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyConnectionIsAFullHandshakeSoChecksRunEveryTime() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));
    List<Object> authorized = new CopyOnWriteArrayList<>();
    echo.trustManager().clientAuthorizer((client, leaf, handle) -> authorized.add(handle));

    try (Loopback.Server server = loopback.serve(echo)) {
      for (int i = 0; i < 3; i++) {
        try (SSLSocket client = connect(web, server, echo.id())) {
          assertThat(roundTrip(client, i)).isEqualTo(i);
        }
      }
      // Same client, same host and port: a resumed session would skip the expectation check.
      assertThatThrownBy(
              () -> connect(web, server, ServiceIdentity.of(ca.trustDomain(), "dc1", "db")))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("but this connection expects");
    }
    assertThat(authorized).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void restrictsEverySocketAndEngineToTls13And12WithClientAuth() throws Exception {
    SSLContext context = endpoint(ca.leaf("web"), List.of(ca.root())).context();

    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        SSLServerSocket serverSocket =
            (SSLServerSocket) context.getServerSocketFactory().createServerSocket()) {
      assertThat(socket.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
      assertThat(serverSocket.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
      assertThat(serverSocket.getNeedClientAuth()).isTrue();
    }
    SSLEngine engine = context.createSSLEngine("localhost", 1);
    engine.setUseClientMode(false);
    assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(engine.getNeedClientAuth()).isTrue();
    assertThat(context.getDefaultSSLParameters().getProtocols())
        .containsExactly("TLSv1.3", "TLSv1.2");
    assertThatThrownBy(() -> context.init(null, null, null))
        .hasMessage("a Connect SSLContext is initialised once, by its service");
  }

  @Test
  void negotiatesTls12WhenThePeerOffersNothingNewer() throws Exception {
    Loopback.Endpoint web = endpoint(ca.leaf("web"), List.of(ca.root()));
    Loopback.Endpoint echo = endpoint(ca.leaf("echo"), List.of(ca.root()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client = (SSLSocket) web.context().getSocketFactory().createSocket()) {
      client.setEnabledProtocols(new String[] {"TLSv1.2"});
      client.connect(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), server.port()));
      ExpectedPeers.expect(client, echo.id());
      client.startHandshake();
      assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
      assertThat(roundTrip(client, 9)).isEqualTo(9);
    }
  }

  /** Checks that the client's handshake fails with a message holding each of {@code parts}. */
  private void assertServerRefused(
      Loopback.Endpoint client, Loopback.Endpoint server, ServiceIdentity expected, String... parts)
      throws Exception {
    try (Loopback.Server running = loopback.serve(server)) {
      assertThatThrownBy(
              () -> {
                try (SSLSocket socket = connect(client, running, expected)) {
                  roundTrip(socket, 1);
                }
              })
          .isInstanceOf(SSLHandshakeException.class)
          .satisfies(
              e -> {
                for (String part : parts) {
                  assertThat(e.getMessage()).contains(part);
                }
              });
    }
  }

  /** A server presenting a leaf that {@link LeafCertificate} itself would refuse to hold. */
  private Loopback.Endpoint serverWithRawLeaf(Pki.Leaf raw) {
    Loopback.Endpoint base = endpoint(ca.leaf("echo"), List.of(ca.root()));
    X509Certificate[] chain = raw.chain().toArray(X509Certificate[]::new);
    javax.net.ssl.X509ExtendedKeyManager km =
        new javax.net.ssl.X509ExtendedKeyManager() {
          @Override
          public String chooseEngineServerAlias(
              String t, java.security.Principal[] i, SSLEngine e) {
            return "raw";
          }

          @Override
          public String chooseServerAlias(
              String t, java.security.Principal[] i, java.net.Socket s) {
            return "EC".equals(t) ? "raw" : null;
          }

          @Override
          public String[] getServerAliases(String t, java.security.Principal[] i) {
            return new String[] {"raw"};
          }

          @Override
          public String chooseClientAlias(
              String[] t, java.security.Principal[] i, java.net.Socket s) {
            return null;
          }

          @Override
          public String[] getClientAliases(String t, java.security.Principal[] i) {
            return null;
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return chain;
          }

          @Override
          public java.security.PrivateKey getPrivateKey(String alias) {
            return raw.key();
          }
        };
    try {
      SSLContext raw1 = SSLContext.getInstance("TLSv1.3");
      raw1.init(
          new javax.net.ssl.KeyManager[] {km},
          new javax.net.ssl.TrustManager[] {base.trustManager()},
          null);
      return new Loopback.Endpoint(base.source(), base.keyManager(), base.trustManager(), raw1);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static IdentitySnapshot snapshot(Pki.Leaf leaf, TrustBundle trust, long revision) {
    return new IdentitySnapshot(trust, LeafCertificate.of(leaf.chain(), leaf.key()), revision);
  }
}
