package dev.connectnative.internal.tls;

import static dev.connectnative.internal.tls.Loopback.connect;
import static dev.connectnative.internal.tls.Loopback.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real loopback handshakes between endpoints whose trust managers count PKIX path builds: a peer
 * reconnecting with the same chain is validated once, and every connection is still decided.
 */
class VerifiedChainsHandshakeTest {
  private final Pki ca = Pki.create();
  private final Loopback loopback = new Loopback();
  private final AtomicInteger webBuilds = new AtomicInteger();
  private final AtomicInteger echoBuilds = new AtomicInteger();
  private final Loopback.Endpoint web = endpoint(ca.leaf("web"), webBuilds);
  private final Loopback.Endpoint echo = endpoint(ca.leaf("echo"), echoBuilds);

  @AfterEach
  void tearDown() {
    loopback.close();
  }

  @Test
  void reconnectingPeersAreValidatedOnceAndEveryConnectionIsStillDecided() throws Exception {
    List<ServiceIdentity> authorized = new CopyOnWriteArrayList<>();
    echo.trustManager().clientAuthorizer((client, leaf, handle) -> authorized.add(client));

    try (Loopback.Server server = loopback.serve(echo)) {
      for (int i = 0; i < 3; i++) {
        try (SSLSocket client = connect(web, server, echo.id())) {
          assertThat(roundTrip(client, i)).isEqualTo(i);
          assertThat(server.accepted.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
      }

      assertThat(authorized).containsExactly(web.id(), web.id(), web.id());
      assertThat(webBuilds).hasValue(1);
      assertThat(echoBuilds).hasValue(1);

      ServiceIdentity db = ServiceIdentity.of(ca.trustDomain(), "dc1", "db");
      assertThatThrownBy(() -> connect(web, server, db))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining(
              "server presented " + echo.id() + " but this connection expects " + db);
      assertThat(webBuilds).hasValue(1);
    }
  }

  @Test
  void aRootRotationOnTheClientValidatesTheServerAfresh() throws Exception {
    Pki next = Pki.create(ca.trustDomain(), "EC");

    try (Loopback.Server server = loopback.serve(echo)) {
      try (SSLSocket client = connect(web, server, echo.id())) {
        assertThat(roundTrip(client, 1)).isEqualTo(1);
      }
      trust(web, List.of(next.root()));
      assertThatThrownBy(() -> connect(web, server, echo.id()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("does not chain to any of our 1 trusted root(s)");
      assertThat(webBuilds).hasValue(2);

      trust(web, List.of(next.root(), ca.root()));
      try (SSLSocket client = connect(web, server, echo.id())) {
        assertThat(roundTrip(client, 2)).isEqualTo(2);
      }
      assertThat(webBuilds).hasValue(3);
    }
  }

  private static void trust(Loopback.Endpoint endpoint, List<X509Certificate> roots) {
    IdentitySnapshot now = endpoint.source().current().orElseThrow();
    endpoint.source().update(TrustBundle.of(now.trust().trustDomain(), roots), now.leaf());
  }

  private Loopback.Endpoint endpoint(Pki.Leaf leaf, AtomicInteger builds) {
    LeafCertificate cert = LeafCertificate.of(leaf.chain(), leaf.key());
    StaticIdentitySource source =
        StaticIdentitySource.of(
            new IdentitySnapshot(TrustBundle.of(ca.trustDomain(), List.of(ca.root())), cert, 1));
    PathBuilder counting =
        params -> {
          builds.incrementAndGet();
          return PathBuilder.PKIX.build(params);
        };
    ConnectKeyManager km = new ConnectKeyManager(source);
    ConnectTrustManager tm =
        new ConnectTrustManager(
            source,
            TrustDomainPolicy.OWN_TRUST_DOMAIN,
            Clock.systemUTC(),
            counting,
            VerifiedChains.withDefaults());
    return new Loopback.Endpoint(source, km, tm, ConnectSslContexts.create(km, tm));
  }
}
