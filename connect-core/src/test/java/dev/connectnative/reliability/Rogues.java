package dev.connectnative.reliability;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** TLS clients that misbehave on purpose: they present whatever they are given and trust anyone. */
final class Rogues {
  private Rogues() {}

  /** A client context presenting {@code leaf} (and nothing if null), trusting every server. */
  static SSLContext client(X509Certificate leaf, PrivateKey key) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keys =
          leaf == null ? new KeyManager[0] : new KeyManager[] {new Always(leaf, key)};
      context.init(keys, new TrustManager[] {new TrustingEveryone()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Connects with {@code rogue}, sends a few bytes and reads: {@code "echoed"} if the server
   * echoed, {@code "closed"} if it closed the connection, else the exception seen.
   */
  static String attempt(SSLContext rogue, int port) {
    try (SSLSocket socket =
        (SSLSocket) rogue.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      int b = socket.getInputStream().read();
      return b < 0 ? "closed" : "echoed";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** A self-signed, non-CA EC P-256 certificate carrying {@code uri} as its URI SAN. */
  static KeyPairAndCertificate selfSigned(String uri) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=self-signed");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofMinutes(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new KeyPairAndCertificate(pair.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A private key and its certificate. */
  record KeyPairAndCertificate(PrivateKey key, X509Certificate certificate) {}

  /** Presents one certificate whatever the server asks for. */
  private static final class Always extends X509ExtendedKeyManager {
    private final X509Certificate leaf;
    private final PrivateKey key;

    Always(X509Certificate leaf, PrivateKey key) {
      this.leaf = leaf;
      this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"rogue"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "rogue";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return "rogue";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {leaf};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /** Accepts every server: the rogue only cares about what the server does with it. */
  private static final class TrustingEveryone extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
