package dev.connectnative.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakesTest {
  @ParameterizedTest
  @ValueSource(strings = {"JDK", "Conscrypt", "OpenSSL"})
  void completesRepeatedTls13Handshakes(String provider) throws Exception {
    Handshakes handshakes = Handshakes.create(provider);
    for (int i = 0; i < 3; i++) {
      assertThat(handshakes.handshake()).startsWith("CN=client.svc.default.");
    }
  }
}
