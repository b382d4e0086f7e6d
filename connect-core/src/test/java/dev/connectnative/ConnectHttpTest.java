package dev.connectnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The builder's contract; requests are tested in {@code internal.http}. */
class ConnectHttpTest {
  private final TestCa ca = TestCa.create();
  private final IssuedLeaf leaf = ca.leaf("web");
  private final ConnectService web =
      Connect.service("web")
          .identitySource(
              StaticIdentitySource.fromPem(
                  ca.rootPem(), leaf.certificatePem(), leaf.privateKeyPem()))
          .resolver(Resolver.of(List.of()))
          .build();

  @AfterEach
  void stop() {
    web.close();
  }

  @Test
  void eachSettingIsMadeOnce() {
    ConnectHttp.Builder b =
        ConnectHttp.builder(web)
            .resolver(Resolver.of(List.of()))
            .dialOptions(DialOptions.DEFAULTS)
            .domain("mesh.example.com")
            .passthrough()
            .http2();
    assertThatThrownBy(() -> b.resolver(Resolver.of(List.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("resolver is already set");
    assertThatThrownBy(() -> b.dialOptions(DialOptions.DEFAULTS))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.domain("other")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(b::passthrough).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(b::http2).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ConnectHttp.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ConnectHttp.builder(web).resolver(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("resolver");
  }

  @Test
  void dialOptionsCannotChooseTheTarget() {
    DialOptions fixed =
        DialOptions.builder()
            .staticAddress("127.0.0.1", 8443, ServiceIdentity.of(ca.trustDomain(), "dc1", "echo"))
            .build();
    assertThatThrownBy(() -> ConnectHttp.builder(web).dialOptions(fixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the host name chooses the target");
    DialOptions query = DialOptions.builder().preparedQuery().build();
    assertThatThrownBy(() -> ConnectHttp.builder(web).dialOptions(query))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectHttp.builder(web).domain("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a DNS domain: \"a b\"");
  }

  @Test
  void clientsOfferHttp2OnlyWhenAskedAndTakeTheConnectTimeout() {
    OkHttpClient plain = web.httpClient();
    assertThat(plain.protocols()).containsExactly(Protocol.HTTP_1_1);
    OkHttpClient h2 =
        ConnectHttp.builder(web)
            .http2()
            .dialOptions(DialOptions.builder().connectTimeout(Duration.ofMillis(1500)).build())
            .okHttpClient();
    assertThat(h2.protocols()).containsExactly(Protocol.HTTP_2, Protocol.HTTP_1_1);
    assertThat(h2.connectTimeoutMillis()).isEqualTo(1500);

    HttpClient jdk = web.jdkHttpClient();
    assertThat(jdk.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(jdk.sslContext()).isSameAs(web.sslContext());
    HttpClient jdk2 =
        ConnectHttp.builder(web)
            .http2()
            .jdkHttpClient(b -> b.connectTimeout(Duration.ofSeconds(2)));
    assertThat(jdk2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(jdk2.connectTimeout()).contains(Duration.ofSeconds(2));
  }
}
