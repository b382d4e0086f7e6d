package dev.connectnative.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps {@link ConnectNettyBench} working: a very short run per provider. */
class ConnectNettyBenchTest {
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void measuresHandshakesAndBulk(NettyTlsProvider provider) throws Exception {
    try (ConnectNettyBench bench = new ConnectNettyBench(provider)) {
      assertThat(bench.connectionsPerSecond(0.3, 2).rate()).isPositive();
      assertThat(bench.bulk(4).rate()).isPositive();
    }
  }
}
