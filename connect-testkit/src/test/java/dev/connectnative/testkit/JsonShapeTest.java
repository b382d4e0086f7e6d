package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void acceptsNaturallyVaryingValues() throws Exception {
    JsonNode recorded =
        json(
            "{\"ID\":\"1b9b46ea-3cd5-9dfe-b84d-1af7302ec2d9\",\"SigningKeyID\":\"b1:bb:d5\","
                + "\"NotBefore\":\"2026-11-21T09:30:17Z\",\"CreateIndex\":9,\"Cert\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}");
    JsonNode ours =
        json(
            "{\"ID\":\"00000000-0000-4000-8000-000000000001\",\"SigningKeyID\":\"0c:11:22:33\","
                + "\"NotBefore\":\"2027-01-01T00:00:00Z\",\"CreateIndex\":3,\"Cert\":\"-----BEGIN CERTIFICATE-----\\nBBBB\\n-----END CERTIFICATE-----\\n\"}");
    assertThat(JsonShape.diff(recorded, ours)).isEmpty();
  }

  @Test
  void reportsOrderTypeValueAndLengthDifferences() throws Exception {
    assertThat(JsonShape.diff(json("{\"a\":1,\"b\":2}"), json("{\"b\":2,\"a\":1}"))).hasSize(1);
    assertThat(JsonShape.diff(json("{\"SerialNumber\":7}"), json("{\"SerialNumber\":\"07\"}")))
        .singleElement()
        .asString()
        .contains("type NUMBER expected");
    assertThat(
            JsonShape.diff(json("{\"Reason\":\"ACLs disabled\"}"), json("{\"Reason\":\"other\"}")))
        .hasSize(1);
    assertThat(JsonShape.diff(json("[1,2]"), json("[1]"))).hasSize(1);
    assertThat(JsonShape.diff(json("{\"Port\":9000}"), json("{\"Port\":9001}"))).hasSize(1);
    assertThat(
            JsonShape.diff(
                json("{\"IntermediateCerts\":null}"), json("{\"IntermediateCerts\":[]}")))
        .hasSize(1);
  }
}
