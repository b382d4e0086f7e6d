package dev.connectnative.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GoJsonTest {
  private static String error(String body) {
    try {
      GoJson.decode(body.getBytes(StandardCharsets.UTF_8));
      return "";
    } catch (GoJson.DecodeException e) {
      return e.getMessage();
    }
  }

  @Test
  void reportsSyntaxErrorsWithGoMessages() {
    assertThat(error("")).isEqualTo("EOF");
    assertThat(error("  \n")).isEqualTo("EOF");
    assertThat(error("{this is not json"))
        .isEqualTo("invalid character 't' looking for beginning of object key string");
    assertThat(error("{\"a\" 1}")).isEqualTo("invalid character '1' after object key");
    assertThat(error("{\"a\":1 \"b\":2}"))
        .isEqualTo("invalid character '\"' after object key:value pair");
    assertThat(error("x")).isEqualTo("invalid character 'x' looking for beginning of value");
    assertThat(error("{\"a\":tru}"))
        .isEqualTo("invalid character '}' in literal true (expecting 'e')");
    assertThat(error("{\"a\":")).isEqualTo("unexpected EOF");
    assertThat(error("{\"a\":[1,2}")).isEqualTo("invalid character '}' after array element");
    assertThat(error("{\"a\":\"b\"}")).isEmpty();
  }

  @Test
  void matchesFieldNamesCaseInsensitivelyAndRefusesUnknownOnes() throws Exception {
    var fields =
        GoJson.fields(
            GoJson.decode("{\"target\":\"echo\"}".getBytes(StandardCharsets.UTF_8)),
            Set.of("Target"),
            true,
            "T");
    assertThat(fields).containsKey("Target");
    assertThatThrownBy(
            () ->
                GoJson.fields(
                    GoJson.decode("{\"Bogus\":1}".getBytes(StandardCharsets.UTF_8)),
                    Set.of("Target"),
                    true,
                    "T"))
        .hasMessage("json: unknown field \"Bogus\"");
    assertThatThrownBy(
            () ->
                GoJson.string(
                    GoJson.fields(
                        GoJson.decode("{\"Target\":1}".getBytes(StandardCharsets.UTF_8)),
                        Set.of("Target"),
                        true,
                        "T"),
                    "Target",
                    "T"))
        .hasMessage("json: cannot unmarshal number into Go struct field T.Target of type string");
  }
}
