package dev.connectnative.benchmarks.jmh;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.SpiffeId;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.testkit.TestCa;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What reading a peer's identity costs after each handshake, resumed or not: the SPIFFE ID parsed
 * from a Consul service URI, and the whole step from a parsed leaf (URI SAN extraction and the
 * parse), which both ends of every connection run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeerIdentityBenchmark {
  private String uri;
  private X509Certificate leaf;

  /** Issues a leaf for service {@code web} from a fresh test CA. */
  @Setup(Level.Trial)
  public void setUp() {
    TestCa ca = TestCa.create();
    uri = ca.serviceUri("web");
    leaf = ca.leaf("web").certificate();
  }

  /**
   * One SPIFFE ID parse.
   *
   * @return the identity, so the work is not dead code
   */
  @Benchmark
  public SpiffeId parseUri() {
    return SpiffeId.parse(uri);
  }

  /**
   * One identity read from a parsed leaf.
   *
   * @return the identity, so the work is not dead code
   */
  @Benchmark
  public ServiceIdentity identityOfLeaf() {
    return Certificates.serviceIdentity(leaf);
  }
}
