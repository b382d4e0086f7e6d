package dev.connectnative.internal.tls;

import static dev.connectnative.internal.tls.Loopback.connect;
import static dev.connectnative.internal.tls.Loopback.endpoint;
import static dev.connectnative.internal.tls.Loopback.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.LeafCertificate;
import dev.connectnative.TrustBundle;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leaf and CA rotation under open connections, with the one SSLContext per service. */
class ConnectRotationTest {
  private final TestCa oldCa = TestCa.create();
  private final TestCa newCa = TestCa.builder().clusterId(oldCa.clusterId()).build();
  private final X509Certificate crossSigned = oldCa.crossSign(newCa);
  private final Loopback loopback = new Loopback();

  @AfterEach
  void tearDown() {
    loopback.close();
  }

  @Test
  void openConnectionsSurviveRotationsWhileNewHandshakesUseTheNewMaterial() throws Exception {
    Loopback.Endpoint web = endpointOn(oldCa, "web");
    Loopback.Endpoint echo = endpointOn(oldCa, "echo");

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket first = connect(web, server, echo.id())) {
      assertThat(roundTrip(first, 1)).isEqualTo(1);

      IssuedLeaf renewed = oldCa.leaf("echo");
      echo.source()
          .update(
              echo.source().current().orElseThrow().trust(),
              leaf(List.of(renewed.certificate()), renewed));

      assertThat(roundTrip(first, 2)).isEqualTo(2);
      try (SSLSocket second = connect(web, server, echo.id())) {
        assertThat(roundTrip(second, 3)).isEqualTo(3);
        assertThat(second.getSession().getPeerCertificates()[0]).isEqualTo(renewed.certificate());

        // The server moves to the new CA first; the client still knows only the old root and
        // validates the new leaf through the cross-signed certificate the server sends along,
        // as a Consul agent appends it to CertPEM.
        IssuedLeaf echoOnNewCa = newCa.leaf("echo");
        TrustBundle rotated =
            new TrustBundle(
                oldCa.trustDomain(),
                List.of(oldCa.rootCertificate(), newCa.rootCertificate()),
                List.of(crossSigned),
                newCa.rootCertificate());
        echo.source()
            .update(rotated, leaf(List.of(echoOnNewCa.certificate(), crossSigned), echoOnNewCa));

        assertThat(roundTrip(first, 4)).isEqualTo(4);
        assertThat(roundTrip(second, 5)).isEqualTo(5);
        try (SSLSocket third = connect(web, server, echo.id())) {
          assertThat(roundTrip(third, 6)).isEqualTo(6);
          assertThat(third.getSession().getPeerCertificates()[0])
              .isEqualTo(echoOnNewCa.certificate());
        }

        // Then the client rotates; the server, trusting both roots, accepts its new leaf.
        IssuedLeaf webOnNewCa = newCa.leaf("web");
        web.source()
            .update(rotated, leaf(List.of(webOnNewCa.certificate(), crossSigned), webOnNewCa));
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
  void aPeerStillOnTheOldRootAcceptsAClientOfTheNewRoot() throws Exception {
    Loopback.Endpoint echo = endpointOn(oldCa, "echo");
    IssuedLeaf web = newCa.leaf("web");
    Loopback.Endpoint client =
        endpoint(
            List.of(web.certificate(), crossSigned),
            web.privateKey(),
            List.of(oldCa.rootCertificate(), newCa.rootCertificate()));

    try (Loopback.Server server = loopback.serve(echo);
        SSLSocket socket = connect(client, server, echo.id())) {
      assertThat(roundTrip(socket, 1)).isEqualTo(1);
      SSLSocket accepted = server.accepted.poll(10, TimeUnit.SECONDS);
      assertThat(accepted.getSession().getPeerCertificates()).hasSize(2);
    }
  }

  @Test
  void withoutTheCrossSignedCertificateAPeerOnTheOldRootRefusesTheNewLeaf() throws Exception {
    Loopback.Endpoint web = endpointOn(oldCa, "web");
    IssuedLeaf echoLeaf = newCa.leaf("echo");
    Loopback.Endpoint echo =
        endpoint(
            List.of(echoLeaf.certificate()),
            echoLeaf.privateKey(),
            List.of(oldCa.rootCertificate(), newCa.rootCertificate()));

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

  private static Loopback.Endpoint endpointOn(TestCa ca, String service) {
    IssuedLeaf issued = ca.leaf(service);
    return endpoint(
        List.of(issued.certificate()), issued.privateKey(), List.of(ca.rootCertificate()));
  }

  private static LeafCertificate leaf(List<X509Certificate> chain, IssuedLeaf issued) {
    return LeafCertificate.of(chain, issued.privateKey());
  }
}
