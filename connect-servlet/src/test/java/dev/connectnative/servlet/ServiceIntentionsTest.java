package dev.connectnative.servlet;

import static dev.connectnative.servlet.IntentionDecision.Outcome.ALLOW;
import static dev.connectnative.servlet.IntentionDecision.Outcome.DENY;
import static dev.connectnative.servlet.IntentionDecision.Outcome.NO_MATCHING_PERMISSION;
import static dev.connectnative.servlet.IntentionDecision.Outcome.NO_MATCHING_SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.ServiceIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceIntentionsTest {
  private static final String TD = "3779268c-d290-379c-fa43-991e61fd2ae8.consul";
  private static final ServiceIdentity WEB = ServiceIdentity.of(TD, "dc1", "web");
  private static final ServiceIdentity DB = ServiceIdentity.of(TD, "dc1", "db");
  private static final ServiceIdentity API = ServiceIdentity.of(TD, "dc1", "api");

  private static IntentionRequest get(String path) {
    return new IntentionRequest("GET", path, Map.of());
  }

  private static IntentionRequest request(
      String method, String path, Map<String, List<String>> headers) {
    return new IntentionRequest(method, path, headers);
  }

  private static ServiceIntentions entry(String sources) {
    return ServiceIntentions.parse(
        "{\"Kind\":\"service-intentions\",\"Name\":\"echo\",\"Sources\":[" + sources + "]}");
  }

  private static ServiceIntentions l7(String permissions) {
    return entry("{\"Name\":\"web\",\"Permissions\":[" + permissions + "]}");
  }

  @Test
  void readsTheRecordedConfigEntryOfTheGoldenAgent() throws IOException {
    String recording =
        Files.readString(
            Path.of("/work/shared/consul-golden/36b-config-service-intentions-echo.http"));
    String body = recording.substring(recording.indexOf("\n{") + 1, recording.lastIndexOf('}') + 1);
    ServiceIntentions intentions = ServiceIntentions.parse(body);

    assertThat(intentions.destination()).isEqualTo("echo");
    assertThat(intentions.evaluate(WEB, get("/")))
        .isEqualTo(
            new IntentionDecision(
                ALLOW,
                "Matched L4 intention: default/web => default/echo (Precedence: 9, Action: ALLOW)"));
    assertThat(intentions.evaluate(DB, get("/")).outcome()).isEqualTo(DENY);
    assertThat(intentions.evaluate(DB, get("/")).reason())
        .isEqualTo(
            "Matched L4 intention: default/db => default/echo (Precedence: 9, Action: DENY)");
    assertThat(intentions.evaluate(API, get("/")).outcome()).isEqualTo(NO_MATCHING_SOURCE);
    assertThat(intentions.governsAtLayer7(WEB)).isFalse();
  }

  @Test
  void exactSourceBeatsWildcardWhateverTheOrderInTheEntry() {
    ServiceIntentions intentions =
        entry(
            "{\"Name\":\"*\",\"Namespace\":\"*\",\"Action\":\"allow\"},"
                + "{\"Name\":\"*\",\"Action\":\"deny\"},"
                + "{\"Name\":\"web\",\"Action\":\"allow\"}");

    assertThat(intentions.evaluate(WEB, get("/")).reason())
        .isEqualTo(
            "Matched L4 intention: default/web => default/echo (Precedence: 9, Action: ALLOW)");
    assertThat(intentions.evaluate(DB, get("/")).reason())
        .isEqualTo("Matched L4 intention: default/* => default/echo (Precedence: 8, Action: DENY)");
    ServiceIdentity otherNamespace = new ServiceIdentity(TD, "default", "team-b", "dc1", "db");
    assertThat(intentions.evaluate(otherNamespace, get("/")).reason())
        .isEqualTo("Matched L4 intention: */* => default/echo (Precedence: 7, Action: ALLOW)");
  }

  @Test
  void anL7SourceShadowsLowerPrecedenceSourcesForItsCallers() {
    ServiceIntentions intentions =
        entry(
            "{\"Name\":\"*\",\"Action\":\"allow\"},"
                + "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\","
                + "\"HTTP\":{\"PathPrefix\":\"/public/\",\"Methods\":[\"GET\"]}}]}");

    assertThat(intentions.governsAtLayer7(WEB)).isTrue();
    assertThat(intentions.governsAtLayer7(DB)).isFalse();
    assertThat(intentions.evaluate(WEB, get("/public/a")).outcome()).isEqualTo(ALLOW);
    IntentionDecision elsewhere = intentions.evaluate(WEB, get("/private"));
    assertThat(elsewhere.outcome()).isEqualTo(NO_MATCHING_PERMISSION);
    assertThat(elsewhere.reason())
        .isEqualTo(
            "Matched L7 intention: default/web => default/echo (Precedence: 9), but none of its 1"
                + " permission(s) matches GET /private");
    assertThat(intentions.evaluate(DB, get("/private")).outcome()).isEqualTo(ALLOW);
  }

  @Test
  void firstMatchingPermissionIsTerminal() {
    String deny = "{\"Action\":\"deny\",\"HTTP\":{\"PathExact\":\"/v2/admin\"}}";
    String allow = "{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/v2\"}}";

    ServiceIntentions denyFirst = l7(deny + "," + allow);
    assertThat(denyFirst.evaluate(WEB, get("/v2/admin")).reason())
        .isEqualTo(
            "Matched L7 intention: default/web => default/echo (Precedence: 9), Permissions[0]"
                + " (Action: DENY) matched GET /v2/admin");
    assertThat(denyFirst.evaluate(WEB, get("/v2/widgets")).outcome()).isEqualTo(ALLOW);

    ServiceIntentions allowFirst = l7(allow + "," + deny);
    assertThat(allowFirst.evaluate(WEB, get("/v2/admin")).outcome()).isEqualTo(ALLOW);
    assertThat(allowFirst.evaluate(WEB, get("/v3")).outcome()).isEqualTo(NO_MATCHING_PERMISSION);
  }

  @Test
  void pathsMatchExactlyByPrefixOrByFullRegexAndCaseSensitively() {
    ServiceIntentions exact = l7("{\"Action\":\"allow\",\"HTTP\":{\"PathExact\":\"/a\"}}");
    assertThat(exact.evaluate(WEB, get("/a")).outcome()).isEqualTo(ALLOW);
    assertThat(exact.evaluate(WEB, get("/a/")).outcome()).isEqualTo(NO_MATCHING_PERMISSION);
    assertThat(exact.evaluate(WEB, get("/A")).outcome()).isEqualTo(NO_MATCHING_PERMISSION);

    ServiceIntentions prefix = l7("{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/pub\"}}");
    assertThat(prefix.evaluate(WEB, get("/public/x")).outcome()).isEqualTo(ALLOW);
    assertThat(prefix.evaluate(WEB, get("/pu")).outcome()).isEqualTo(NO_MATCHING_PERMISSION);

    ServiceIntentions regex =
        l7("{\"Action\":\"allow\",\"HTTP\":{\"PathRegex\":\"/items/[0-9]+\"}}");
    assertThat(regex.evaluate(WEB, get("/items/42")).outcome()).isEqualTo(ALLOW);
    assertThat(regex.evaluate(WEB, get("/items/42/edit")).outcome())
        .as("a regex must match the whole path, as Envoy's safe_regex does")
        .isEqualTo(NO_MATCHING_PERMISSION);
  }

  @Test
  void methodsAreNormalisedToUpperCaseInTheEntryButCompareExactlyOnRequests() {
    ServiceIntentions intentions =
        l7("{\"Action\":\"allow\",\"HTTP\":{\"Methods\":[\"get\",\"HEAD\"]}}");

    assertThat(intentions.evaluate(WEB, get("/x")).outcome()).isEqualTo(ALLOW);
    assertThat(intentions.evaluate(WEB, request("HEAD", "/x", Map.of())).outcome())
        .isEqualTo(ALLOW);
    assertThat(intentions.evaluate(WEB, request("POST", "/x", Map.of())).outcome())
        .isEqualTo(NO_MATCHING_PERMISSION);
    assertThat(intentions.evaluate(WEB, request("get", "/x", Map.of())).outcome())
        .isEqualTo(NO_MATCHING_PERMISSION);
  }

  @Test
  void everyPartOfAnHttpBlockMustMatch() {
    ServiceIntentions intentions =
        l7(
            "{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"/api\",\"Methods\":[\"POST\"],"
                + "\"Header\":[{\"Name\":\"X-Env\",\"Exact\":\"prod\"}]}}");

    assertThat(
            intentions
                .evaluate(WEB, request("POST", "/api/x", Map.of("x-env", List.of("prod"))))
                .outcome())
        .isEqualTo(ALLOW);
    assertThat(
            intentions
                .evaluate(WEB, request("POST", "/api/x", Map.of("x-env", List.of("dev"))))
                .outcome())
        .isEqualTo(NO_MATCHING_PERMISSION);
    assertThat(
            intentions
                .evaluate(WEB, request("GET", "/api/x", Map.of("x-env", List.of("prod"))))
                .outcome())
        .isEqualTo(NO_MATCHING_PERMISSION);
    assertThat(
            intentions
                .evaluate(WEB, request("POST", "/other", Map.of("x-env", List.of("prod"))))
                .outcome())
        .isEqualTo(NO_MATCHING_PERMISSION);
  }

  @Test
  void headerRulesFollowEnvoysHeaderMatcher() {
    assertHeader("\"Present\":true", Map.of("X-Token", List.of("")), true);
    assertHeader("\"Present\":true", Map.of(), false);
    assertHeader("\"Present\":true,\"Invert\":true", Map.of(), true);
    assertHeader("\"Present\":true,\"Invert\":true", Map.of("x-token", List.of("a")), false);
    assertHeader("\"Exact\":\"a\"", Map.of("X-TOKEN", List.of("a")), true);
    assertHeader("\"Exact\":\"a\"", Map.of("x-token", List.of("a", "b")), false);
    assertHeader("\"Exact\":\"a,b\"", Map.of("x-token", List.of("a", "b")), true);
    assertHeader("\"Exact\":\"a\",\"Invert\":true", Map.of("x-token", List.of("b")), true);
    assertHeader("\"Exact\":\"a\",\"Invert\":true", Map.of(), false);
    assertHeader("\"Prefix\":\"Bearer \"", Map.of("x-token", List.of("Bearer abc")), true);
    assertHeader("\"Prefix\":\"Bearer \"", Map.of("x-token", List.of("Basic abc")), false);
    assertHeader("\"Suffix\":\".internal\"", Map.of("x-token", List.of("a.internal")), true);
    assertHeader("\"Suffix\":\".internal\"", Map.of("x-token", List.of("a.internal.x")), false);
    assertHeader("\"Regex\":\"v[0-9]+\"", Map.of("x-token", List.of("v12")), true);
    assertHeader("\"Regex\":\"v[0-9]+\"", Map.of("x-token", List.of("v12-beta")), false);
    assertHeader("\"Regex\":\"v[0-9]+\",\"Invert\":true", Map.of("x-token", List.of("x")), true);
  }

  private static void assertHeader(
      String rule, Map<String, List<String>> headers, boolean expectMatch) {
    ServiceIntentions intentions =
        l7("{\"Action\":\"allow\",\"HTTP\":{\"Header\":[{\"Name\":\"X-Token\"," + rule + "}]}}");
    assertThat(intentions.evaluate(WEB, request("GET", "/", headers)).outcome())
        .as("rule {%s} against %s", rule, headers)
        .isEqualTo(expectMatch ? ALLOW : NO_MATCHING_PERMISSION);
  }

  @Test
  void matchesOnPartitionNamespaceAndNameButIgnoresDatacenterAndTrustDomain() {
    ServiceIntentions intentions = entry("{\"Name\":\"web\",\"Action\":\"allow\"}");

    assertThat(intentions.evaluate(ServiceIdentity.of("other.consul", "dc2", "web"), get("/")))
        .extracting(IntentionDecision::outcome)
        .isEqualTo(ALLOW);
    assertThat(
            intentions.evaluate(
                new ServiceIdentity(TD, "part-b", "default", "dc1", "web"), get("/")))
        .extracting(IntentionDecision::outcome)
        .isEqualTo(NO_MATCHING_SOURCE);
    assertThat(
            intentions.evaluate(
                new ServiceIdentity(TD, "default", "team-b", "dc1", "web"), get("/")))
        .extracting(IntentionDecision::outcome)
        .isEqualTo(NO_MATCHING_SOURCE);
    assertThat(intentions.evaluate(ServiceIdentity.of(TD, "dc1", "Web"), get("/")))
        .extracting(IntentionDecision::outcome)
        .isEqualTo(NO_MATCHING_SOURCE);
  }

  @Test
  void peeredSourcesNeverMatchLocalCallers() {
    ServiceIntentions intentions =
        entry("{\"Name\":\"web\",\"Peer\":\"east\",\"Action\":\"allow\"}");

    assertThat(intentions.evaluate(WEB, get("/")).outcome()).isEqualTo(NO_MATCHING_SOURCE);
  }

  @Test
  void refusesWhatConsulRefusesAndWhatItCannotEnforce() {
    assertInvalid("{\"Name\":\"web\"}", "Sources[0].Action must be set to 'allow' or 'deny'");
    assertInvalid(
        "{\"Name\":\"web\",\"Action\":\"allow\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"PathExact\":\"/\"}}]}",
        "Sources[0].Action must be omitted if Permissions are specified");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\"}]}",
        "Sources[0].Permissions[0].HTTP is required");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{}}]}",
        "Sources[0].Permissions[0].HTTP should not be empty");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"permit\",\"HTTP\":{\"PathExact\":\"/\"}}]}",
        "Sources[0].Permissions[0].Action must be set to 'allow' or 'deny'");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"PathExact\":\"/a\",\"PathPrefix\":\"/b\"}}]}",
        "should only contain at most one of PathExact, PathPrefix, or PathRegex");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{\"PathPrefix\":\"a\"}}]}",
        "PathPrefix doesn't start with '/'");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"Methods\":[\"GET\",\"get\"]}}]}",
        "Methods contains \"GET\" more than once");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{\"Methods\":[\"FETCH\"]}}]}",
        "Methods contains an invalid method \"FETCH\"");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"Header\":[{\"Name\":\"x\",\"Exact\":\"a\",\"Prefix\":\"b\"}]}}]}",
        "Header[0] should only contain one of Present, Exact, Prefix, Suffix, or Regex");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\","
            + "\"HTTP\":{\"Header\":[{\"Exact\":\"a\"}]}}]}",
        "Header[0] missing required Name field");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{\"PathRegex\":\"(\"}}]}",
        "PathRegex is not a valid regular expression");
    assertInvalid(
        "{\"Name\":\"web\",\"Permissions\":[{\"Action\":\"allow\",\"HTTP\":{\"PathExact\":\"/\"},"
            + "\"JWT\":{\"Providers\":[{\"Name\":\"okta\"}]}}]}",
        "Sources[0].Permissions[0].JWT is set, but JWT requirements are not enforced");
    assertInvalid(
        "{\"Name\":\"web\",\"Action\":\"allow\"},{\"Name\":\"web\",\"Action\":\"deny\"}",
        "Sources[1] defines \"default/web\" more than once");
    assertInvalid("{\"Name\":\"web*\",\"Action\":\"allow\"}", "cannot be used with partial values");
    assertInvalid(
        "{\"Name\":\"web\",\"Action\":true}", "Sources[0].Action is not a JSON string: true");
    assertInvalid(
        "{\"Name\":\"web\",\"Namespace\":\"*\",\"Action\":\"allow\"}",
        "exact value cannot follow wildcard namespace");
    assertThatThrownBy(() -> ServiceIntentions.parse("{\"Kind\":\"service-intentions\""))
        .isInstanceOf(InvalidIntentionsException.class)
        .hasMessageStartingWith("service-intentions config entry is not valid JSON");
    assertThatThrownBy(
            () ->
                ServiceIntentions.parse(
                    "{\"Name\":\"*\",\"Sources\":[{\"Name\":\"web\",\"Permissions\":[{\"Action\":"
                        + "\"allow\",\"HTTP\":{\"PathExact\":\"/\"}}]}]}"))
        .isInstanceOf(InvalidIntentionsException.class)
        .hasMessageContaining("Permissions cannot be specified on intentions with wildcarded");
    assertThatThrownBy(() -> ServiceIntentions.parse("{\"Name\":\"echo\",\"Sources\":[]}"))
        .isInstanceOf(InvalidIntentionsException.class)
        .hasMessage("service-intentions \"echo\": at least one source is required");
  }

  private static void assertInvalid(String sources, String message) {
    assertThatThrownBy(() -> entry(sources))
        .isInstanceOf(InvalidIntentionsException.class)
        .hasMessageStartingWith("service-intentions \"echo\": ")
        .hasMessageContaining(message);
  }
}
