package dev.connectnative.internal.tls;

import static dev.connectnative.internal.tls.Loopback.connect;
import static dev.connectnative.internal.tls.Loopback.endpoint;
import static dev.connectnative.internal.tls.Loopback.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.LeafCertificate;
import dev.connectnative.TrustBundle;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leaf and CA rotation under open connections, with the one SSLContext per service. */
class ConnectRotationTest {
  private final Pki oldCa = Pki.create();
  private final Pki newCa = Pki.create(oldCa.trustDomain(), "EC");
  private final X509Certificate crossSigned = oldCa.crossSign(newCa);
  private final Loopback loopback = new Loopback();

  @AfterEach
  void tearDown() {
    loopback.close();
  }

  @Test
  void openConnectionsSurviveRotationsWhileNewHandshakesUseTheNewMaterial() throws Exception {
    Loopback.Endpoint web = endpoint(oldCa.leaf("web"), List.of(oldCa.root()));
    Loopback.Endpoint echo = endpoint(oldCa.leaf("echo"), List.of(oldCa.root()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket first = connect(web, server, echo.id())) {
      assertThat(roundTrip(first, 1)).isEqualTo(1);

      Pki.Leaf renewed = oldCa.leaf("echo");
      echo.source().update(echo.source().current().orElseThrow().trust(), leaf(renewed));

      assertThat(roundTrip(first, 2)).isEqualTo(2);
      try (SSLSocket second = connect(web, server, echo.id())) {
        assertThat(roundTrip(second, 3)).isEqualTo(3);
        assertThat(second.getSession().getPeerCertificates()[0]).isEqualTo(renewed.certificate());

        // The server moves to the new CA first; the client still knows only the old root and
        // validates the new leaf through the cross-signed certificate the server sends along.
        Pki.Leaf echoOnNewCa = newCa.leafBuilder("echo").chainWith(crossSigned).issue();
        TrustBundle rotated =
            new TrustBundle(
                oldCa.trustDomain(),
                List.of(oldCa.root(), newCa.root()),
                List.of(crossSigned),
                newCa.root());
        echo.source().update(rotated, leaf(echoOnNewCa));

        assertThat(roundTrip(first, 4)).isEqualTo(4);
        assertThat(roundTrip(second, 5)).isEqualTo(5);
        try (SSLSocket third = connect(web, server, echo.id())) {
          assertThat(roundTrip(third, 6)).isEqualTo(6);
          assertThat(third.getSession().getPeerCertificates()[0])
              .isEqualTo(echoOnNewCa.certificate());
        }

        // Then the client rotates; the server, trusting both roots, accepts its new leaf.
        Pki.Leaf webOnNewCa = newCa.leafBuilder("web").chainWith(crossSigned).issue();
        web.source().update(rotated, leaf(webOnNewCa));
        try (SSLSocket fourth = connect(web, server, echo.id())) {
          assertThat(roundTrip(fourth, 7)).isEqualTo(7);
          assertThat(fourth.getSession().getLocalCertificates()[0])
              .isEqualTo(webOnNewCa.certificate());
        }
        assertThat(roundTrip(first, 8)).isEqualTo(8);
      }
    }
  }

  @Test
  void aPeerStillOnTheOldRootTrustsTheOldRootsClients() throws Exception {
    Loopback.Endpoint echo = endpoint(oldCa.leaf("echo"), List.of(oldCa.root()));
    Loopback.Endpoint web =
        endpoint(
            newCa.leafBuilder("web").chainWith(crossSigned).issue(),
            List.of(oldCa.root(), newCa.root()),
            List.of(crossSigned),
            dev.connectnative.TrustDomainPolicy.OWN_TRUST_DOMAIN,
            java.time.Clock.systemUTC());

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket client = connect(web, server, echo.id())) {
      assertThat(roundTrip(client, 1)).isEqualTo(1);
      SSLSocket accepted = server.accepted.poll(10, TimeUnit.SECONDS);
      assertThat(accepted.getSession().getPeerCertificates()).hasSize(2);
    }
  }

  @Test
  void withoutTheCrossSignedCertificateAPeerOnTheOldRootRefusesTheNewLeaf() throws Exception {
    Loopback.Endpoint web = endpoint(oldCa.leaf("web"), List.of(oldCa.root()));
    Loopback.Endpoint echo = endpoint(newCa.leaf("echo"), List.of(oldCa.root(), newCa.root()));

    try (Loopback.Server server = loopback.serve(echo)) {
      assertThatThrownBy(
              () -> {
                try (SSLSocket client = connect(web, server, echo.id())) {
                  roundTrip(client, 1);
                }
              })
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("does not chain to any of our 1 trusted root(s)");
    }
  }

  private static LeafCertificate leaf(Pki.Leaf leaf) {
    return LeafCertificate.of(leaf.chain(), leaf.key());
  }
}
