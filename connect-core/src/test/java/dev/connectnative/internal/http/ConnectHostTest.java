package dev.connectnative.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectHostTest {
  private static final List<String> DOMAINS = List.of("mesh.example.com", "consul");

  @Test
  void readsServiceAndQueryNamesWithOptionalDatacenter() {
    assertThat(ConnectHost.parse("echo.service.consul", DOMAINS))
        .contains(new ConnectHost("echo", false, null));
    assertThat(ConnectHost.parse("Echo.SERVICE.dc2.Consul.", DOMAINS))
        .contains(new ConnectHost("Echo", false, "dc2"));
    assertThat(ConnectHost.parse("geo.query.consul", DOMAINS))
        .contains(new ConnectHost("geo", true, null));
    assertThat(ConnectHost.parse("geo.query.eu-1.mesh.example.com", DOMAINS))
        .contains(new ConnectHost("geo", true, "eu-1"));
  }

  @Test
  void otherHostsAreNotConnectTargets() {
    assertThat(ConnectHost.parse("example.com", DOMAINS)).isEmpty();
    assertThat(ConnectHost.parse("127.0.0.1", DOMAINS)).isEmpty();
    assertThat(ConnectHost.parse("::1", DOMAINS)).isEmpty();
    assertThat(ConnectHost.parse("consul", DOMAINS)).isEmpty();
    assertThat(ConnectHost.parse("echo.service.notconsul", DOMAINS)).isEmpty();
  }

  @Test
  void malformedNamesUnderAConsulDomainAreRefusedWithTheFormsThatWork() {
    for (String host :
        List.of(
            "v2.echo.service.consul",
            "echo.consul",
            "echo.node.consul",
            ".service.consul",
            "echo.service..consul",
            "a.b.c.d.mesh.example.com")) {
      assertThatThrownBy(() -> ConnectHost.parse(host, DOMAINS))
          .as(host)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("host \"" + host + "\"")
          .hasMessageContaining("names no Connect target")
          .hasMessageContaining("<service>.service[.<datacenter>].");
    }
  }

  @Test
  void domainsAreNormalisedAndValidated() {
    assertThat(HttpTargets.normaliseDomain(".Mesh.Example.com.")).isEqualTo("mesh.example.com");
    for (String bad : List.of("", ".", "a..b", "a b", "a/b")) {
      assertThatThrownBy(() -> HttpTargets.normaliseDomain(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a DNS domain");
    }
  }

  @Test
  void describesTargetsForMessages() {
    assertThat(new ConnectHost("echo", false, null).describe("dc1")).isEqualTo("\"echo\" in dc1");
    assertThat(new ConnectHost("geo", true, "dc3").describe("dc1"))
        .isEqualTo("query \"geo\" in dc3");
  }
}
