package dev.connectnative.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.TlsProvider;
import java.security.Security;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsProvidersTest {
  @Test
  void jdkIsTheDefaultProvider() {
    TlsProviders.Selection jdk = TlsProviders.select(TlsProvider.JDK, "web");
    assertThat(jdk.inUse()).isEqualTo(TlsProvider.JDK);
    assertThat(jdk.provider()).isEmpty();
    assertThat(jdk.description()).startsWith("JDK (SunJSSE");
  }

  @Test
  void conscryptLoadsWithoutBeingRegisteredJvmWide() {
    TlsProviders.Selection conscrypt = TlsProviders.select(TlsProvider.CONSCRYPT, "web");
    assertThat(conscrypt.inUse()).isEqualTo(TlsProvider.CONSCRYPT);
    assertThat(conscrypt.provider()).get().extracting(p -> p.getName()).isEqualTo("Conscrypt");
    assertThat(conscrypt.description()).matches("Conscrypt \\d+\\.\\d+\\.\\d+ \\(BoringSSL\\)");
    assertThat(Arrays.stream(Security.getProviders()).map(p -> p.getName()))
        .doesNotContain("Conscrypt");
  }

  @Test
  void autoPrefersConscryptWhereItLoads() {
    assertThat(TlsProviders.select(TlsProvider.AUTO, "web").inUse())
        .isEqualTo(TlsProvider.CONSCRYPT);
  }

  @Test
  void aSelectionNamesTheProviderInUse() {
    assertThatThrownBy(() -> new TlsProviders.Selection(TlsProvider.AUTO, Optional.empty(), "auto"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not AUTO");
    assertThatThrownBy(
            () -> new TlsProviders.Selection(TlsProvider.CONSCRYPT, Optional.empty(), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match");
  }
}
