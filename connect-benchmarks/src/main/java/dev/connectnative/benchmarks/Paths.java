package dev.connectnative.benchmarks;

import static dev.connectnative.benchmarks.ConnectnativePath.Mode.FULL;
import static dev.connectnative.benchmarks.ConnectnativePath.Mode.FULL_UNCACHED;
import static dev.connectnative.benchmarks.ConnectnativePath.Mode.RESUMED;

import dev.connectnative.TlsProvider;
import dev.connectnative.netty.NettyTlsProvider;
import java.security.Provider;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocket;
import org.conscrypt.Conscrypt;

/** Every path the harness knows, in table order. Add new paths here. */
final class Paths {
  static final String PLAIN = "plain TCP";
  static final String JDK = "JDK SSLSocket mTLS";
  static final String CONSCRYPT = "Conscrypt SSLSocket mTLS";
  static final String NETTY_OPENSSL = "Netty + BoringSSL";
  static final String NETTY_OPENSSL_RESUMED = "Netty + BoringSSL, resumed sessions";
  static final String NETTY_JDK = "Netty + JDK SSLEngine";
  static final String HAPROXY = "two HAProxy sidecars, no resumption";
  static final String STUNNEL = "two stunnel sidecars, no resumption";
  static final String CN_JDK = "connectnative JDK";
  static final String CN_JDK_UNCACHED = "connectnative JDK, uncached authz";
  static final String CN_JDK_RESUMED = "connectnative JDK, resumed sessions";
  static final String CN_CONSCRYPT = "connectnative Conscrypt";
  static final String CN_CONSCRYPT_RESUMED = "connectnative Conscrypt, resumed sessions";
  static final String CN_NETTY_OPENSSL = "connectnative Netty + BoringSSL";
  static final String CN_NETTY_OPENSSL_RESUMED =
      "connectnative Netty + BoringSSL, resumed sessions";

  private Paths() {}

  /** A path by name and how to build it; building may fail, and the harness then skips it. */
  record Candidate(String name, Callable<Path> create) {}

  static List<Candidate> all(Pki pki) {
    return List.of(
        new Candidate(PLAIN, SocketPath::plain),
        new Candidate(JDK, () -> SocketPath.mutualTls(JDK, pki, null, s -> {})),
        new Candidate(CONSCRYPT, () -> conscrypt(pki)),
        new Candidate(NETTY_OPENSSL, () -> NettyPath.openSsl(pki, false)),
        new Candidate(NETTY_OPENSSL_RESUMED, () -> NettyPath.openSsl(pki, true)),
        new Candidate(NETTY_JDK, () -> NettyPath.jdk(pki)),
        new Candidate(HAPROXY, () -> new SidecarPath(SidecarPath.Kind.HAPROXY, pki)),
        new Candidate(STUNNEL, () -> new SidecarPath(SidecarPath.Kind.STUNNEL, pki)),
        new Candidate(CN_JDK, () -> new ConnectnativePath(CN_JDK, b -> b, FULL)),
        new Candidate(
            CN_JDK_UNCACHED, () -> new ConnectnativePath(CN_JDK_UNCACHED, b -> b, FULL_UNCACHED)),
        new Candidate(CN_JDK_RESUMED, () -> new ConnectnativePath(CN_JDK_RESUMED, b -> b, RESUMED)),
        new Candidate(
            CN_CONSCRYPT,
            () ->
                new ConnectnativePath(
                    CN_CONSCRYPT, b -> b.tlsProvider(TlsProvider.CONSCRYPT), FULL)),
        new Candidate(
            CN_CONSCRYPT_RESUMED,
            () ->
                new ConnectnativePath(
                    CN_CONSCRYPT_RESUMED, b -> b.tlsProvider(TlsProvider.CONSCRYPT), RESUMED)),
        new Candidate(
            CN_NETTY_OPENSSL,
            () -> new ConnectnativeNettyPath(CN_NETTY_OPENSSL, NettyTlsProvider.OPENSSL, false)),
        new Candidate(
            CN_NETTY_OPENSSL_RESUMED,
            () ->
                new ConnectnativeNettyPath(
                    CN_NETTY_OPENSSL_RESUMED, NettyTlsProvider.OPENSSL, true)));
  }

  /** The ratio lines printed under the table, each computed per round and then the median. */
  static List<Ratio> ratios() {
    return List.of(
        new Ratio(CN_NETTY_OPENSSL, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(CN_NETTY_OPENSSL, HAPROXY, Metric.BULK_MB_PER_S),
        new Ratio(CN_NETTY_OPENSSL, HAPROXY, Metric.CPU_MS_PER_GB),
        new Ratio(CN_NETTY_OPENSSL, NETTY_OPENSSL, Metric.CONNS_PER_S),
        new Ratio(CN_NETTY_OPENSSL, NETTY_OPENSSL, Metric.BULK_MB_PER_S),
        new Ratio(CN_NETTY_OPENSSL_RESUMED, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(CN_NETTY_OPENSSL_RESUMED, NETTY_OPENSSL_RESUMED, Metric.CONNS_PER_S),
        new Ratio(CN_NETTY_OPENSSL_RESUMED, CN_NETTY_OPENSSL, Metric.CONNS_PER_S),
        new Ratio(CN_CONSCRYPT, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(CN_CONSCRYPT, HAPROXY, Metric.BULK_MB_PER_S),
        new Ratio(CN_CONSCRYPT, HAPROXY, Metric.CPU_MS_PER_GB),
        new Ratio(CN_CONSCRYPT, CONSCRYPT, Metric.CONNS_PER_S),
        new Ratio(CN_CONSCRYPT, CONSCRYPT, Metric.BULK_MB_PER_S),
        new Ratio(CN_CONSCRYPT_RESUMED, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(CN_CONSCRYPT_RESUMED, CN_CONSCRYPT, Metric.CONNS_PER_S),
        new Ratio(CN_JDK, JDK, Metric.CONNS_PER_S),
        new Ratio(CN_JDK, JDK, Metric.BULK_MB_PER_S),
        new Ratio(CN_JDK_UNCACHED, CN_JDK, Metric.CONNS_PER_S),
        new Ratio(CN_JDK_RESUMED, CN_JDK, Metric.CONNS_PER_S),
        new Ratio(CN_JDK_RESUMED, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(NETTY_OPENSSL, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(NETTY_OPENSSL_RESUMED, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(NETTY_OPENSSL, HAPROXY, Metric.BULK_MB_PER_S),
        new Ratio(NETTY_OPENSSL, HAPROXY, Metric.CPU_MS_PER_GB),
        new Ratio(NETTY_OPENSSL, STUNNEL, Metric.CONNS_PER_S),
        new Ratio(NETTY_OPENSSL, STUNNEL, Metric.BULK_MB_PER_S),
        new Ratio(JDK, HAPROXY, Metric.CONNS_PER_S),
        new Ratio(JDK, HAPROXY, Metric.BULK_MB_PER_S),
        new Ratio(JDK, HAPROXY, Metric.CPU_MS_PER_GB),
        new Ratio(CONSCRYPT, JDK, Metric.CONNS_PER_S),
        new Ratio(NETTY_OPENSSL_RESUMED, NETTY_OPENSSL, Metric.CONNS_PER_S),
        new Ratio(JDK, PLAIN, Metric.BULK_MB_PER_S));
  }

  private static Path conscrypt(Pki pki) {
    Provider provider;
    try {
      if (!Conscrypt.isAvailable()) {
        throw new IllegalStateException("Conscrypt's native library is not available here");
      }
      provider = Conscrypt.newProviderBuilder().provideTrustManager(true).build();
    } catch (LinkageError e) {
      throw new IllegalStateException("Conscrypt's native library failed to load: " + e, e);
    }
    return SocketPath.mutualTls(
        CONSCRYPT, pki, provider, s -> Conscrypt.setUseSessionTickets((SSLSocket) s, false));
  }
}
