package dev.connectnative.benchmarks;

import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away Connect CA (testkit {@link TestCa}: EC P-256 root, Consul-shaped P-256 leaves with a
 * SPIFFE URI SAN) and the JSSE and PEM forms the paths need. Files are written only for sidecars.
 */
final class Pki {
  private final TestCa ca = TestCa.create();

  /** The CA certificate every leaf chains to. */
  X509Certificate root() {
    return ca.rootCertificate();
  }

  /** Issues a leaf for {@code service} with a fresh P-256 key. */
  IssuedLeaf leaf(String service) {
    return ca.leaf(service);
  }

  /**
   * Key managers presenting {@code leaf}, from the JDK's {@code algorithm} key manager factory
   * ({@code "PKIX"} or {@code "SunX509"}).
   */
  KeyManager[] keyManagers(IssuedLeaf leaf, String algorithm) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "benchmark".toCharArray();
      store.setKeyEntry(
          "leaf", leaf.privateKey(), password, new Certificate[] {leaf.certificate(), root()});
      KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build key managers", e);
    }
  }

  /**
   * Trust managers that accept exactly chains ending at {@link #root()}, from {@code provider}'s
   * PKIX trust manager factory ({@code null}: the JDK's).
   */
  TrustManager[] trustManagers(Provider provider) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("root", root());
      TrustManagerFactory factory =
          provider == null
              ? TrustManagerFactory.getInstance("PKIX")
              : TrustManagerFactory.getInstance("PKIX", provider);
      factory.init(store);
      return factory.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build trust managers", e);
    }
  }

  /** Writes the root certificate as PEM to {@code file}. */
  void writeRootPem(java.nio.file.Path file) {
    write(file, ca.rootPem());
  }

  /**
   * Writes a new leaf for {@code service} to {@code file}: certificate then key (SEC 1) PEM, the
   * single-file form HAProxy's {@code crt} and stunnel's {@code cert} accept.
   */
  void writeLeafPem(String service, java.nio.file.Path file) {
    IssuedLeaf leaf = leaf(service);
    write(file, leaf.certificatePem() + leaf.privateKeyPem());
  }

  private static void write(java.nio.file.Path file, String text) {
    try {
      Files.writeString(file, text);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
