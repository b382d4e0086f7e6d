package dev.connectnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.AgentConfig.Transport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentConfigTest {

  private static AgentConfig env(Map<String, String> env) {
    return AgentConfig.builder().withEnvironment(env).build();
  }

  @Test
  void defaultsLikeConsul() {
    AgentConfig c = env(Map.of());

    assertThat(c.transport()).isEqualTo(Transport.HTTP);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8500);
    assertThat(c.token()).isEmpty();
    assertThat(c.verifyAgentTls()).isTrue();
    assertThat(c.pathPrefix()).isEmpty();
    assertThat(c.namespace()).isEmpty();
  }

  @Test
  void readsEveryVariable() {
    AgentConfig c =
        env(
            Map.ofEntries(
                Map.entry("CONSUL_HTTP_ADDR", "consul.local:8501"),
                Map.entry("CONSUL_HTTP_TOKEN", "t0k3n"),
                Map.entry("CONSUL_HTTP_TOKEN_FILE", "/run/token"),
                Map.entry("CONSUL_HTTP_SSL", "true"),
                Map.entry("CONSUL_HTTP_SSL_VERIFY", "0"),
                Map.entry("CONSUL_CACERT", "/etc/ca.pem"),
                Map.entry("CONSUL_CAPATH", "/etc/cas"),
                Map.entry("CONSUL_CLIENT_CERT", "/etc/c.pem"),
                Map.entry("CONSUL_CLIENT_KEY", "/etc/k.pem"),
                Map.entry("CONSUL_TLS_SERVER_NAME", "server.dc1.consul"),
                Map.entry("CONSUL_NAMESPACE", "team-a"),
                Map.entry("CONSUL_PARTITION", "ap1")));

    assertThat(c.transport()).isEqualTo(Transport.HTTPS);
    assertThat(c.host()).isEqualTo("consul.local");
    assertThat(c.port()).isEqualTo(8501);
    assertThat(c.token()).contains("t0k3n");
    assertThat(c.tokenFile()).contains(Path.of("/run/token"));
    assertThat(c.verifyAgentTls()).isFalse();
    assertThat(c.caCert()).contains(Path.of("/etc/ca.pem"));
    assertThat(c.caPath()).contains(Path.of("/etc/cas"));
    assertThat(c.clientCert()).contains(Path.of("/etc/c.pem"));
    assertThat(c.clientKey()).contains(Path.of("/etc/k.pem"));
    assertThat(c.tlsServerName()).contains("server.dc1.consul");
    assertThat(c.namespace()).contains("team-a");
    assertThat(c.partition()).contains("ap1");
  }

  @Test
  void addressForms() {
    AgentConfig https = env(Map.of("CONSUL_HTTP_ADDR", "https://10.0.0.1:8501"));
    assertThat(https.transport()).isEqualTo(Transport.HTTPS);
    assertThat(https.host()).isEqualTo("10.0.0.1");
    assertThat(https.port()).isEqualTo(8501);

    AgentConfig http = env(Map.of("CONSUL_HTTP_ADDR", "http://[::1]:8500"));
    assertThat(http.transport()).isEqualTo(Transport.HTTP);
    assertThat(http.host()).isEqualTo("::1");

    AgentConfig unix = env(Map.of("CONSUL_HTTP_ADDR", "unix:///var/run/consul.sock"));
    assertThat(unix.transport()).isEqualTo(Transport.UNIX);
    assertThat(unix.unixSocket()).contains(Path.of("/var/run/consul.sock"));

    AgentConfig prefixed = env(Map.of("CONSUL_HTTP_ADDR", "https://proxy.local/consul/"));
    assertThat(prefixed.port()).isEqualTo(443);
    assertThat(prefixed.pathPrefix()).isEqualTo("/consul");
  }

  @Test
  void sslFlagUpgradesHttpButNeverDowngradesHttps() {
    assertThat(env(Map.of("CONSUL_HTTP_ADDR", "http://a:1", "CONSUL_HTTP_SSL", "1")).transport())
        .isEqualTo(Transport.HTTPS);
    assertThat(
            env(Map.of("CONSUL_HTTP_ADDR", "https://a:1", "CONSUL_HTTP_SSL", "false")).transport())
        .isEqualTo(Transport.HTTPS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True"})
  void goTrueValues(String v) {
    assertThat(env(Map.of("CONSUL_HTTP_SSL", v)).transport()).isEqualTo(Transport.HTTPS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "f", "F", "FALSE", "false", "False"})
  void goFalseValues(String v) {
    assertThat(env(Map.of("CONSUL_HTTP_SSL_VERIFY", v)).verifyAgentTls()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "on", "tRUE", " true"})
  void invalidBooleanFailsNamingTheVariable(String v) {
    assertThatThrownBy(() -> env(Map.of("CONSUL_HTTP_SSL_VERIFY", v)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid CONSUL_HTTP_SSL_VERIFY=\"" + v + "\"");
  }

  @Test
  void unknownSchemeFails() {
    assertThatThrownBy(() -> env(Map.of("CONSUL_HTTP_ADDR", "ftp://a:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown protocol scheme \"ftp\"");
    assertThatThrownBy(() -> env(Map.of("CONSUL_HTTP_ADDR", "unix://")))
        .hasMessageContaining("unix socket path is empty");
    assertThatThrownBy(() -> env(Map.of("CONSUL_HTTP_ADDR", "http://a:1/?token=x")))
        .hasMessageContaining("expected host:port");
  }

  @Test
  void certificateWithoutKeyFails() {
    assertThatThrownBy(() -> env(Map.of("CONSUL_CLIENT_CERT", "/c.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the certificate is set");
  }

  @Test
  void builderSettingsWinOverEnvironmentWhateverTheOrder() {
    AgentConfig c =
        AgentConfig.builder()
            .address("10.1.1.1:8500")
            .withEnvironment(Map.of("CONSUL_HTTP_ADDR", "10.9.9.9:1", "CONSUL_HTTP_TOKEN", "env"))
            .token("explicit")
            .build();

    assertThat(c.host()).isEqualTo("10.1.1.1");
    assertThat(c.token()).contains("explicit");
  }

  @Test
  void settingTwiceFails() {
    AgentConfig.Builder b = AgentConfig.builder().token("a");
    assertThatThrownBy(() -> b.token("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token");
    assertThatThrownBy(() -> AgentConfig.builder().address(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("address");
  }

  @Test
  void toStringRedactsTheToken() {
    AgentConfig c =
        env(
            Map.of(
                "CONSUL_HTTP_TOKEN",
                "c0ffee00-0000-4000-8000-000000000001",
                "CONSUL_HTTP_SSL_VERIFY",
                "false"));

    assertThat(c.toString())
        .contains("token=<redacted>")
        .contains("http://127.0.0.1:8500")
        .contains("verifyAgentTls=false")
        .doesNotContain("c0ffee00");
    assertThat(env(Map.of()).toString()).contains("token=<none>");
  }
}
