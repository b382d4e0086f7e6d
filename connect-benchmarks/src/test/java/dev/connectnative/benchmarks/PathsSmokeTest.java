package dev.connectnative.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every path moves the right bytes; nothing here is timed. */
class PathsSmokeTest {
  private static final Pki PKI = new Pki();

  /** Paths that need native code or installed programs; elsewhere they are skipped, not failed. */
  private static final Set<String> OPTIONAL =
      Set.of(
          Paths.CONSCRYPT,
          Paths.NETTY_OPENSSL,
          Paths.NETTY_OPENSSL_RESUMED,
          Paths.HAPROXY,
          Paths.STUNNEL,
          Paths.CN_CONSCRYPT,
          Paths.CN_CONSCRYPT_RESUMED,
          Paths.CN_NETTY_OPENSSL,
          Paths.CN_NETTY_OPENSSL_RESUMED);

  static Stream<String> paths() {
    return Paths.all(PKI).stream().map(Paths.Candidate::name);
  }

  @ParameterizedTest
  @MethodSource("paths")
  void echoesAndCountsBytes(String name) throws Exception {
    Paths.Candidate candidate =
        Paths.all(PKI).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    try (Path path = startOrSkip(candidate)) {
      assertThat(path.name()).isEqualTo(name);
      byte[] payload = new byte[100];
      ThreadLocalRandom.current().nextBytes(payload);
      byte[] chunk = new byte[Protocol.CHUNK];
      for (int i = 0; i < 2; i++) {
        try (Conn conn = path.connect()) {
          Protocol.echo(conn, payload);
          Protocol.sink(conn, 3L * Protocol.CHUNK + 17, chunk);
          Protocol.echo(conn, new byte[0]);
        }
      }
      Workloads.Sample sample = Workloads.connections(path, 2, Duration.ofMillis(50));
      assertThat(sample.units()).isPositive();
      assertThat(sample.errors()).isZero();
      assertThat(sample.cpuNanos()).isPositive();
      if (path instanceof CountsHandshakes tls) {
        long connections = 2 + sample.units();
        if (name.endsWith(", resumed sessions")) {
          assertThat(tls.fullHandshakes()).isPositive().isLessThan(connections);
        } else if (name.equals(Paths.PLAIN)) {
          assertThat(tls.fullHandshakes()).isZero();
        } else {
          // Every connection was a full handshake (none resumed). The connectnative dialer may
          // also retry an attempt whose handshake the server had already counted (seen under load).
          assertThat(tls.fullHandshakes()).isBetween(connections, connections + 2);
        }
      }
    }
  }

  private static Path startOrSkip(Paths.Candidate candidate) throws Exception {
    try {
      Path path = candidate.create().call();
      path.start();
      return path;
    } catch (Exception | LinkageError e) {
      if (OPTIONAL.contains(candidate.name())) {
        abort(candidate.name() + " is not available here: " + e);
      }
      throw e;
    }
  }

  @Test
  void mutualTlsRefusesAClientFromAnotherCa() throws Exception {
    SSLContext stranger = TlsContexts.mutual(new Pki(), "client", null);
    try (Path path = SocketPath.mutualTls(Paths.JDK, PKI, null, s -> {})) {
      InetSocketAddress address = path.start();
      assertThatThrownBy(
              () -> {
                SSLSocket socket = (SSLSocket) stranger.getSocketFactory().createSocket();
                socket.setEnabledProtocols(TlsContexts.TLS13);
                try (Conn conn = SocketConn.open(socket, address)) {
                  Protocol.echo(conn, new byte[] {1});
                }
              })
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void sinkDetectsAShortCount() throws Exception {
    try (Path path = SocketPath.plain()) {
      path.start();
      try (Conn conn = path.connect()) {
        conn.out().write(Protocol.header(Protocol.SINK, 4));
        conn.out().write(new byte[4]);
        assertThatThrownBy(() -> Protocol.sink(conn, 10, new byte[3]))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("server counted 4 bytes, 10 were sent");
      }
    }
  }
}
