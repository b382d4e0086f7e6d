package dev.connectnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServiceInstance} and {@link DialOptions}. */
class DialValuesTest {
  private static final String TD = "3779268c-d290-379c-fa43-991e61fd2ae8.consul";

  @Test
  void instanceIdentityUsesItsOwnDatacenterNamespaceAndPartition() {
    ServiceInstance i =
        new ServiceInstance(
            "echo-1", "echo", "team-a", "part-b", "dc2", "10.0.0.9", 8443, List.of(), Map.of());
    assertThat(i.expectedIdentity(TD).toString())
        .isEqualTo("spiffe://" + TD + "/ap/part-b/ns/team-a/dc/dc2/svc/echo");
    assertThat(ServiceInstance.of("echo", "dc1", "10.0.0.9", 8443).expectedIdentity(TD).toString())
        .isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/echo");
  }

  @Test
  void ipv6HostsAreBracketedInAddressesOnly() {
    assertThat(ServiceInstance.of("echo", "dc1", "::1", 8443).address()).isEqualTo("[::1]:8443");
    ServiceInstance bracketed = ServiceInstance.of("echo", "dc1", "[fe80::1]", 8443);
    assertThat(bracketed.host()).isEqualTo("fe80::1");
    assertThat(bracketed.address()).isEqualTo("[fe80::1]:8443");
    assertThat(ServiceInstance.of("echo", "dc1", "echo.local", 1).address())
        .isEqualTo("echo.local:1");
  }

  @Test
  void instancesAreValidated() {
    assertThatThrownBy(() -> ServiceInstance.of("echo", "dc1", "", 8443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host must not be empty");
    assertThatThrownBy(() -> ServiceInstance.of("echo", "dc1", "h", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port of echo out of range: 0");
    assertThatThrownBy(() -> ServiceInstance.of("", "dc1", "h", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionDefaultsAreDocumentedValues() {
    DialOptions d = DialOptions.DEFAULTS;
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.datacenter()).isEmpty();
    assertThat(d.preparedQuery()).isFalse();
    assertThat(d.staticInstance()).isEmpty();
  }

  @Test
  void optionsAreSetOnceAndValidated() {
    DialOptions.Builder b = DialOptions.builder().datacenter("dc2");
    assertThatThrownBy(() -> b.datacenter("dc3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("datacenter was already set");
    assertThatThrownBy(() -> DialOptions.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DialOptions.builder().filter(""))
        .isInstanceOf(IllegalArgumentException.class);
    ServiceIdentity echo = ServiceIdentity.of(TD, "dc1", "echo");
    assertThatThrownBy(
            () -> DialOptions.builder().datacenter("dc2").staticAddress("h", 1, echo).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a static address cannot be combined");
    DialOptions s = DialOptions.builder().staticAddress("10.1.1.1", 7000, echo).build();
    assertThat(s.staticInstance().orElseThrow().expectedIdentity(TD)).isEqualTo(echo);
    assertThat(s.toString()).contains("static=10.1.1.1:7000");
  }
}
