package dev.connectnative.internal.http;

import static dev.connectnative.internal.http.MapResolver.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OkHttp plumbing, driven by hand over a real handshake. */
class OkHttpPartsTest {
  private final TestCa ca = TestCa.create();
  private final Node echo = new Node(ca, "echo");
  private final Node webNode = new Node(ca, "web");
  private final ConnectService web = Connect.service("web").identitySource(webNode.source).build();
  private final MapResolver resolver = new MapResolver();
  private final HttpTargets targets =
      new HttpTargets(web, resolver, DialOptions.DEFAULTS, List.of(), false, 0);
  private final InstanceRegistry registry = new InstanceRegistry();
  private final PeerNames peerNames = new PeerNames();
  private final ConnectSslSocketFactory tls =
      new ConnectSslSocketFactory(targets, web.sslContext().getSocketFactory(), null, peerNames);
  private Http1Server server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    web.close();
  }

  private InstanceSocket connected(String host) throws IOException {
    InetAddress address =
        registry.addresses(targets.instances(targets.parse(host).orElseThrow())).get(0);
    InstanceSocket socket = new InstanceSocket(registry, false);
    socket.connect(new InetSocketAddress(address, 443), 5_000);
    return socket;
  }

  @Test
  void verifierChecksThePresentedIdentityAgainstTheConnectionAndTheHostName() throws Exception {
    server = new Http1Server(echo);
    resolver.put("echo", at("echo", server.port())).put("geo", at("echo", server.port()));
    ConnectHostnameVerifier verifier = new ConnectHostnameVerifier(targets, peerNames);

    InstanceSocket raw = connected("echo.service.consul");
    assertThat(raw.getPort()).isEqualTo(server.port());
    try (SSLSocket socket = (SSLSocket) tls.createSocket(raw, "echo.service.consul", 443, true)) {
      socket.startHandshake();
      SSLSession session = socket.getSession();
      assertThat(session.getPeerHost()).isEqualTo("echo.default.dc1.internal." + ca.trustDomain());
      assertThat(verifier.verify("echo.service.consul", session)).isTrue();
      assertThat(verifier.verify("ECHO.service.dc1.consul", session)).isTrue();
      assertThat(verifier.verify("geo.query.consul", session)).isTrue();
      assertThat(verifier.verify("echo.service.dc2.consul", session)).isFalse();
      assertThat(verifier.verify("db.service.consul", session)).isFalse();
      assertThat(verifier.verify("example.com", session)).isFalse();
      assertThat(verifier.verify("v2.echo.service.consul", session)).isFalse();
      assertThat(
              new ConnectHostnameVerifier(targets, new PeerNames())
                  .verify("echo.service.consul", session))
          .as("a session this client's factory did not make")
          .isFalse();
    }
  }

  @Test
  void tlsIsOnlyLayeredOverSocketsConnectedToADiscoveredInstance() throws Exception {
    server = new Http1Server(echo);
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      assertThatThrownBy(() -> tls.createSocket(plain, "echo.service.consul", 443, true))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("not opened to a discovered instance");
      assertThatThrownBy(() -> tls.createSocket(plain, "example.com", 443, true))
          .isInstanceOf(SSLException.class)
          .hasMessageContaining("\"example.com\" is not a Connect target");
    }
    assertThatThrownBy(() -> tls.createSocket("echo.service.consul", 443))
        .isInstanceOf(SocketException.class);
  }

  @Test
  void socketsRefuseAddressesTheRegistryDidNotHandOutAndPlaintextToInstances() throws Exception {
    server = new Http1Server(echo);
    resolver.put("echo", at("echo", server.port()));
    try (InstanceSocket stranger = new InstanceSocket(registry, false)) {
      assertThatThrownBy(
              () ->
                  stranger.connect(
                      new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
                      1_000))
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("not a discovered Connect instance and passthrough is off");
    }
    try (InstanceSocket raw = connected("echo.service.consul")) {
      assertThatThrownBy(() -> raw.getOutputStream().write(new byte[] {'G'}))
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("refusing plaintext to echo at 127.0.0.1:" + server.port());
      assertThatThrownBy(() -> raw.getInputStream().read()).isInstanceOf(SocketException.class);
    }
  }
}
