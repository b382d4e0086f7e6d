package dev.connectnative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {
  private static final String TD = "3779268c-d290-379c-fa43-991e61fd2ae8.consul";

  @Test
  void parsesTheServiceUriConsulIssued() {
    SpiffeId id = SpiffeId.parse("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");

    assertThat(id).isEqualTo(new ServiceIdentity(TD, "default", "default", "dc1", "web"));
    assertThat(id.trustDomain()).isEqualTo(TD);
    assertThat(id.toString()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
  }

  @Test
  void keepsTheCaseOfServiceNamesAndLowersTheSchemeAndTrustDomain() {
    ServiceIdentity id =
        (ServiceIdentity)
            SpiffeId.parse(
                "SPIFFE://3779268C-D290-379C-FA43-991E61FD2AE8.Consul/ns/default/dc/dc1/svc/Web_Svc.v2");

    assertThat(id.trustDomain()).isEqualTo(TD);
    assertThat(id.service()).isEqualTo("Web_Svc.v2");
    assertThat(id.toUri().toString())
        .isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/Web_Svc.v2");
  }

  @Test
  void parsesEveryShapeAndRoundTrips() {
    assertThat(SpiffeId.parse("spiffe://" + TD + "/ap/team-a/ns/ns1/dc/dc2/svc/db"))
        .isEqualTo(new ServiceIdentity(TD, "team-a", "ns1", "dc2", "db"));
    assertThat(SpiffeId.parse("spiffe://" + TD + "/agent/client/dc/dc1/id/2d2f0f5e-node"))
        .isEqualTo(new AgentIdentity(TD, "default", "dc1", "2d2f0f5e-node"));
    assertThat(SpiffeId.parse("spiffe://" + TD + "/ap/p1/agent/client/dc/dc1/id/n1"))
        .isEqualTo(new AgentIdentity(TD, "p1", "dc1", "n1"));
    assertThat(SpiffeId.parse("spiffe://" + TD + "/agent/server/dc/dc1"))
        .isEqualTo(new ServerIdentity(TD, "dc1"));
    assertThat(SpiffeId.parse("spiffe://" + TD + "/gateway/mesh/dc/dc1"))
        .isEqualTo(new MeshGatewayIdentity(TD, "default", "dc1"));
    assertThat(SpiffeId.parse("spiffe://" + TD + "/ap/p1/gateway/mesh/dc/dc1"))
        .isEqualTo(new MeshGatewayIdentity(TD, "p1", "dc1"));
    assertThat(SpiffeId.parse("spiffe://" + TD)).isEqualTo(new TrustDomainIdentity(TD));

    for (String uri :
        new String[] {
          "spiffe://" + TD + "/ap/team-a/ns/ns1/dc/dc2/svc/db",
          "spiffe://" + TD + "/ap/p1/agent/client/dc/dc1/id/n1",
          "spiffe://" + TD + "/agent/client/dc/dc1/id/n1",
          "spiffe://" + TD + "/agent/server/dc/dc1",
          "spiffe://" + TD + "/ap/p1/gateway/mesh/dc/dc1",
          "spiffe://" + TD
        }) {
      assertThat(SpiffeId.parse(uri).toString()).isEqualTo(uri);
      assertThat(SpiffeId.parse(uri).toUri().toString()).isEqualTo(uri);
    }
  }

  @Test
  void omitsTheDefaultPartitionLikeConsul() {
    SpiffeId id = SpiffeId.parse("spiffe://" + TD + "/ap/default/ns/default/dc/dc1/svc/web");

    assertThat(id.toString()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
  }

  @Test
  void decodesPercentEncodingPerSegmentAndEncodesItBack() {
    ServiceIdentity id =
        (ServiceIdentity)
            SpiffeId.parse("spiffe://" + TD + "/ns/default/dc/dc1/svc/caf%C3%A9%20bar");

    assertThat(id.service()).isEqualTo("café bar");
    assertThat(id.toString())
        .isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/caf%C3%A9%20bar");
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://example.com/web | scheme must be spiffe://",
        "spiffe:/x.consul/ns/default/dc/dc1/svc/web | scheme must be spiffe://",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web?x=1 | a query is not allowed",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web#frag | a fragment is not allowed",
        "spiffe://user@x.consul/ns/default/dc/dc1/svc/web | user information is not allowed",
        "spiffe://x.consul:8500/ns/default/dc/dc1/svc/web | a port is not allowed",
        "spiffe:///ns/default/dc/dc1/svc/web | trust domain is empty",
        "spiffe://x.consul/ns//dc/dc1/svc/web | empty path segment",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web/ | empty path segment",
        "spiffe://x.consul/ | empty path segment",
        "spiffe://x.consul/svc/web | path is not a Consul identity",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web/extra | path is not a Consul identity",
        "spiffe://x.consul/NS/default/dc/dc1/svc/web | path is not a Consul identity",
        "spiffe://x.consul/ap/p1/agent/server/dc/dc1 | path is not a Consul identity",
        "spiffe://x.consul/ns/default/dc/dc1/svc/a%2Fb | service name \"a/b\" must not contain '/'",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web%2 | service name has a truncated percent-escape",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web%zz | service name has an invalid percent-escape",
        "spiffe://x.consul/ns/default/dc/dc1/svc/web%FF | service name is not valid UTF-8 once decoded",
        "spiffe://x.consul/ns/default/dc/dc1/svc/we<b | service name holds the character '<' unencoded",
        "spiffe://x!.consul/ns/default/dc/dc1/svc/web | holds the character '!'",
        "spiffe://x.consul/ns/default/dc/dc1/svc/%00 | service name must not contain control characters",
      })
  void rejectsWithAMessageSayingWhatIsWrong(String uri, String reason) {
    assertThatThrownBy(() -> SpiffeId.parse(uri))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessageStartingWith("invalid SPIFFE ID \"" + uri + "\": ")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "spiffe://x.consul/ns/default/dc/dc1/svc/we b"})
  void rejectsBlankAndWhitespace(String uri) {
    assertThatThrownBy(() -> SpiffeId.parse(uri)).isInstanceOf(InvalidIdentityException.class);
  }

  @Test
  void sameServiceAsComparesLikeConsulIgnoringCaseAndTrustDomain() {
    ServiceIdentity web = ServiceIdentity.of(TD, "dc1", "web");

    assertThat(web.sameServiceAs(ServiceIdentity.of("other.consul", "DC1", "WEB"))).isTrue();
    assertThat(web.sameServiceAs(ServiceIdentity.of(TD, "dc2", "web"))).isFalse();
    assertThat(web.sameServiceAs(new ServiceIdentity(TD, "default", "ns2", "dc1", "web")))
        .isFalse();
    assertThat(web.sameServiceAs(new ServiceIdentity(TD, "p1", "default", "dc1", "web"))).isFalse();
    assertThat(web.sameServiceAs(ServiceIdentity.of(TD, "dc1", "web2"))).isFalse();
  }

  @Test
  void constructorsValidate() {
    assertThatThrownBy(() -> ServiceIdentity.of(TD, "dc1", ""))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("service name is empty");
    assertThatThrownBy(() -> new ServerIdentity(null, "dc1"))
        .isInstanceOf(InvalidIdentityException.class)
        .hasMessage("trust domain is missing");
    assertThatThrownBy(() -> new AgentIdentity(TD, "default", "dc1", "a/b"))
        .hasMessage("node id \"a/b\" must not contain '/'");
  }
}
