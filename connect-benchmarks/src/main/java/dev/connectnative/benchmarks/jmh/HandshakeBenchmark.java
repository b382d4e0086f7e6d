package dev.connectnative.benchmarks.jmh;

import dev.connectnative.benchmarks.Handshakes;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full TLS 1.3 mutual-authentication handshake between two in-memory {@code SSLEngine}s (EC
 * P-256 leaves, X25519): the CPU cost of a new connection without sockets, per provider.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "-Djdk.tls.namedGroups=x25519,secp256r1"
    })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandshakeBenchmark {
  /** Which TLS provider runs both engines. */
  @Param({"JDK", "Conscrypt", "OpenSSL"})
  public String provider;

  private Handshakes handshakes;

  /** Mints certificates and builds both contexts. */
  @Setup
  public void setUp() {
    handshakes = Handshakes.create(provider);
  }

  /**
   * Runs one handshake.
   *
   * @return the verified client subject, so the work is not dead code
   * @throws SSLException if the handshake fails
   */
  @Benchmark
  public String fullHandshake() throws SSLException {
    return handshakes.handshake();
  }
}
