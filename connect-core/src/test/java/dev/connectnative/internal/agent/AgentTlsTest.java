package dev.connectnative.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to the agent's own API: a real TLS server with certificates minted at run time. */
class AgentTlsTest {
  @TempDir Path dir;

  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
  private Issued ca;
  private Issued serverCert;
  private Issued clientCert;
  private HttpsServer server;

  /** A certificate and its key. */
  private record Issued(X509Certificate cert, KeyPair keys) {}

  @BeforeEach
  void mint() throws Exception {
    ca = issue("CN=agent test CA", null, true, List.of());
    serverCert =
        issue(
            "CN=server.dc1.consul",
            ca,
            false,
            List.of(
                new GeneralName(GeneralName.dNSName, "server.dc1.consul"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.2")));
    clientCert = issue("CN=agent client", ca, false, List.of());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static Issued issue(String subject, Issued issuer, boolean isCa, List<GeneralName> sans)
      throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = gen.generateKeyPair();
    Instant now = Instant.now();
    X500Name issuerName =
        issuer == null
            ? new X500Name(subject)
            : X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofMinutes(1))),
            Date.from(now.plus(Duration.ofHours(1))),
            new X500Name(subject),
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (!sans.isEmpty()) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
    }
    KeyPair signer = issuer == null ? keys : issuer.keys();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    return new Issued(cert, keys);
  }

  private Path pem(String name, Object... objects) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    }
    Path file = dir.resolve(name);
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  /** Serves {@code /v1/agent/self} over HTTPS on 127.0.0.2, optionally requiring a client cert. */
  private int serve(boolean needClientAuth) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "server",
        serverCert.keys().getPrivate(),
        new char[0],
        new X509Certificate[] {serverCert.cert(), ca.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(keyStore, new char[0]);
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trustStore);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setNeedClientAuth(needClientAuth);
            params.setSSLParameters(ssl);
          }
        });
    byte[] body = Golden.load("01-agent-self.http").body().getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/v1/agent/self",
        exchange -> {
          try {
            clientSubjects.add(
                ((X509Certificate)
                        ((com.sun.net.httpserver.HttpsExchange) exchange)
                            .getSSLSession()
                            .getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName());
          } catch (SSLPeerUnverifiedException e) {
            clientSubjects.add("none");
          }
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server.getAddress().getPort();
  }

  private AgentSelf self(AgentConfig config) {
    try (AgentClient client = AgentClient.create(config)) {
      return client.agentSelf();
    }
  }

  @Test
  void verifiesTheAgentWithCaCert() throws Exception {
    int port = serve(false);
    Path caFile = pem("ca.pem", ca.cert());

    AgentConfig config =
        AgentConfig.builder().address("127.0.0.2:" + port).https(true).caCert(caFile).build();

    assertThat(self(config).datacenter()).isEqualTo("dc1");
    assertThat(clientSubjects).containsExactly("none");
  }

  @Test
  void verifiesTheAgentWithCaPathDirectory() throws Exception {
    int port = serve(false);
    Path cas = Files.createDirectory(dir.resolve("cas"));
    Files.move(pem("ca.pem", ca.cert()), cas.resolve("ca.pem"));

    AgentConfig config =
        AgentConfig.builder().address("https://127.0.0.2:" + port).caPath(cas).build();

    assertThat(self(config).version()).isEqualTo("1.10.4");
  }

  @Test
  void unknownCaFailsClosed() throws Exception {
    int port = serve(false);

    AgentConfig config = AgentConfig.builder().address("https://127.0.0.2:" + port).build();

    assertThatThrownBy(() -> self(config))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isZero();
              assertThat(e.getMessage()).startsWith("no agent information: agent did not answer:");
            });
  }

  @Test
  void serverNameReplacesTheAddressHostForVerification() throws Exception {
    // This agent certificate names server.dc1.consul only, not the address 127.0.0.2.
    serverCert =
        issue(
            "CN=server.dc1.consul",
            ca,
            false,
            List.of(new GeneralName(GeneralName.dNSName, "server.dc1.consul")));
    int port = serve(false);
    Path caFile = pem("ca.pem", ca.cert());
    String address = "https://127.0.0.2:" + port;

    AgentConfig named =
        AgentConfig.builder()
            .address(address)
            .caCert(caFile)
            .tlsServerName("server.dc1.consul")
            .build();
    AgentConfig wrongName =
        AgentConfig.builder()
            .address(address)
            .caCert(caFile)
            .tlsServerName("other.dc1.consul")
            .build();
    AgentConfig noName = AgentConfig.builder().address(address).caCert(caFile).build();

    assertThat(self(named).datacenter()).isEqualTo("dc1");
    assertThatThrownBy(() -> self(wrongName))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero());
    assertThatThrownBy(() -> self(noName))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero());
  }

  @Test
  void verificationCanBeDisabledForTheAgentOnly() throws Exception {
    int port = serve(false);

    AgentConfig config =
        AgentConfig.builder().address("https://127.0.0.2:" + port).verifyAgentTls(false).build();

    assertThat(self(config).datacenter()).isEqualTo("dc1");
  }

  @Test
  void presentsTheClientCertificateWhenTheAgentRequiresOne() throws Exception {
    int port = serve(true);
    Path caFile = pem("ca.pem", ca.cert());
    Path certFile = pem("client.pem", clientCert.cert());
    Path keyFile =
        pem("client-key.pem", new JcaPKCS8Generator(clientCert.keys().getPrivate(), null));

    AgentConfig withCert =
        AgentConfig.builder()
            .address("https://127.0.0.2:" + port)
            .caCert(caFile)
            .clientCert(certFile)
            .clientKey(keyFile)
            .build();
    AgentConfig withoutCert =
        AgentConfig.builder().address("https://127.0.0.2:" + port).caCert(caFile).build();

    assertThat(self(withCert).datacenter()).isEqualTo("dc1");
    assertThat(clientSubjects).containsExactly("CN=agent client");
    assertThatThrownBy(() -> self(withoutCert))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero());
  }

  @Test
  void unreadableCaFileFailsAtCreation() {
    AgentConfig config =
        AgentConfig.builder()
            .address("https://127.0.0.2:1")
            .caCert(dir.resolve("nope.pem"))
            .build();

    assertThatThrownBy(() -> AgentClient.create(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read CA file")
        .hasMessageContaining("nope.pem");
  }
}
