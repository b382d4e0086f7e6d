package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the recorded exchanges with a real Consul 1.10.4 agent against a {@link DevAgent} driven
 * through the same sequence of requests, and compares status, header names, JSON structure and
 * error texts. Blocking waits are shortened to 250 ms; indexes are mapped to the dev agent's.
 */
class GoldenReplayTest {
  private static final UUID CLUSTER = UUID.fromString("3779268c-d290-379c-fa43-991e61fd2ae8");
  private static final String MASTER = "c0ffee00-0000-4000-8000-000000000001";
  private static final String RECORDED_ECHO_TOKEN = "e0e0e0e0-0000-4000-8000-00000000ec40";
  private static final Set<String> FRAMING =
      Set.of("date", "content-length", "transfer-encoding", "age");
  private static final Pattern INDEX = Pattern.compile("([?&])index=([^&]*)");
  private static final Pattern WAIT = Pattern.compile("([?&])wait=([^&]*)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TestFactory
  Stream<DynamicTest> devAgentMatchesDevModeRecordings() {
    Path dir = directory();
    List<GoldenRecording> recordings =
        GoldenRecording.load(dir, name -> Character.isDigit(name.charAt(0)));
    assertThat(recordings).hasSizeGreaterThan(60);
    Replay replay =
        new Replay(
            DevAgent.builder().clusterId(CLUSTER).leafRenewJitter(Duration.ofMillis(500)).start());
    return Stream.concat(
            recordings.stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> replay.check(r))),
            Stream.of(
                DynamicTest.dynamicTest("blocking queries still pending", replay::joinPending)))
        .onClose(replay.agent::close);
  }

  @TestFactory
  Stream<DynamicTest> aclAgentMatchesAclRecordings() {
    Path dir = directory();
    List<GoldenRecording> recordings =
        GoldenRecording.load(dir, name -> name.startsWith("acl-")).stream()
            .filter(r -> !r.path().startsWith("/v1/acl/"))
            .toList();
    assertThat(recordings).hasSizeGreaterThan(25);
    Replay replay =
        new Replay(
            DevAgent.builder()
                .clusterId(CLUSTER)
                .nodeName("acl-node")
                .aclMasterToken(MASTER)
                .start());
    replay.substitutions.put(RECORDED_ECHO_TOKEN, replay.agent.createServiceToken("echo"));
    return Stream.concat(
            recordings.stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> replay.check(r))),
            Stream.of(
                DynamicTest.dynamicTest("blocking queries still pending", replay::joinPending)))
        .onClose(replay.agent::close);
  }

  private static Path directory() {
    Optional<Path> dir = GoldenRecording.directory();
    assumeTrue(
        dir.isPresent(),
        "shared/consul-golden not found above " + Path.of("").toAbsolutePath() + ": skipping");
    return dir.get();
  }

  /** Replays one sequence against one agent, mapping ids and indexes as it goes. */
  private static final class Replay {
    final DevAgent agent;
    final Map<String, String> substitutions = new HashMap<>();

    /** Per path: each recorded X-Consul-Index seen so far and the dev agent's index for it. */
    final Map<String, Map<Long, Long>> indexes = new HashMap<>();

    final Map<String, Long> ourIndex = new HashMap<>();
    final List<Map.Entry<GoldenRecording, CompletableFuture<HttpResponse<String>>>> pending =
        new ArrayList<>();

    Replay(DevAgent agent) {
      this.agent = agent;
    }

    void check(GoldenRecording recording) throws Exception {
      if (wokenByChange(recording)) {
        String target = substitute(mapBlocking(recording, "20s"));
        pending.add(
            Map.entry(
                recording, HTTP.sendAsync(request(recording, target), BodyHandlers.ofString())));
        return;
      }
      HttpResponse<String> response =
          HTTP.send(
              request(recording, substitute(mapBlocking(recording, "250ms"))),
              BodyHandlers.ofString());
      verify(recording, response);
      if (!"GET".equals(recording.method())) {
        joinPending();
      }
    }

    /** Checks the blocking queries started earlier, now that their trigger has run. */
    void joinPending() throws Exception {
      for (Map.Entry<GoldenRecording, CompletableFuture<HttpResponse<String>>> p : pending) {
        verify(p.getKey(), p.getValue().get(30, TimeUnit.SECONDS));
      }
      pending.clear();
    }

    /**
     * A blocking query that the real agent answered because something changed while it waited (its
     * answer's index is above the request's): replayed concurrently with what follows.
     */
    private boolean wokenByChange(GoldenRecording recording) {
      Matcher index = INDEX.matcher(recording.target());
      String answered = recording.responseHeaders().get("x-consul-index");
      return index.find()
          && index.group(2).matches("\\d+")
          && recording.elapsedSeconds() > 1
          && answered != null
          && Long.parseLong(answered) > Long.parseLong(index.group(2));
    }

    private HttpRequest request(GoldenRecording recording, String target) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(agent.url() + target)).timeout(Duration.ofSeconds(40));
      recording.requestHeaders().forEach((k, v) -> request.header(k, substitute(v)));
      String body = substitute(recording.requestBody());
      request.method(
          recording.method(),
          body.isEmpty()
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      return request.build();
    }

    private void verify(GoldenRecording recording, HttpResponse<String> response) throws Exception {
      remember(recording, response);

      assertThat(response.statusCode())
          .as("status of %s", recording.name())
          .isEqualTo(recording.status());
      assertThat(headerNames(response.headers().map().keySet()))
          .as("header names of %s", recording.name())
          .isEqualTo(headerNames(recording.responseHeaders().keySet()));
      if (recording.isJson()) {
        JsonNode expected = JSON.readTree(recording.responseBody());
        JsonNode actual = JSON.readTree(response.body());
        if (recording.path().equals("/v1/agent/self")) {
          expected = expected.get("Config");
          actual = actual.get("Config");
        }
        learnIds(expected, actual);
        sortRoots(expected);
        sortRoots(actual);
        assertThat(JsonShape.diff(expected, actual)).as("JSON of %s", recording.name()).isEmpty();
      } else {
        assertThat(response.body())
            .as("body of %s", recording.name())
            .isEqualTo(recording.responseBody());
      }
    }

    private String mapBlocking(GoldenRecording recording, String shortWait) {
      String target = recording.target();
      String path = recording.path();
      Matcher index = INDEX.matcher(target);
      if (index.find() && index.group(2).matches("\\d+")) {
        long recorded = Long.parseLong(index.group(2));
        Map<Long, Long> seen = indexes.getOrDefault(path, Map.of());
        long ours = ourIndex.getOrDefault(path, 1L);
        long mapped;
        if (recorded == 0) {
          mapped = 0;
        } else if (seen.containsKey(recorded)) {
          mapped = seen.get(recorded);
        } else if (seen.keySet().stream().allMatch(r -> r < recorded)) {
          mapped = ours + 100;
        } else {
          mapped = ours;
        }
        target = index.replaceFirst("$1index=" + mapped);
      }
      Matcher wait = WAIT.matcher(target);
      if (wait.find() && wait.group(2).matches("[0-9.]+(ms|s|m|h)")) {
        target = wait.replaceFirst("$1wait=" + shortWait);
      }
      return target;
    }

    private void remember(GoldenRecording recording, HttpResponse<String> response) {
      String recorded = recording.responseHeaders().get("x-consul-index");
      Optional<String> ours = response.headers().firstValue("x-consul-index");
      if (recorded != null && ours.isPresent()) {
        indexes
            .computeIfAbsent(recording.path(), p -> new HashMap<>())
            .put(Long.parseLong(recorded), Long.parseLong(ours.get()));
        ourIndex.put(recording.path(), Long.parseLong(ours.get()));
      }
    }

    /** Roots are listed by (random) ID; pair them up by what they are instead. */
    private static void sortRoots(JsonNode body) {
      if (body.isObject() && body.get("Roots") instanceof ArrayNode roots) {
        List<JsonNode> list = new ArrayList<>();
        roots.forEach(list::add);
        list.sort(
            Comparator.comparing(
                (JsonNode r) ->
                    r.path("PrivateKeyType").asText()
                        + r.path("Active").asBoolean()
                        + r.path("IntermediateCerts").isNull()));
        roots.removeAll();
        list.forEach(roots::add);
      }
    }

    private void learnIds(JsonNode expected, JsonNode actual) {
      if (expected.isObject() && expected.size() == 1 && expected.has("ID") && actual.has("ID")) {
        substitutions.put(expected.get("ID").asText(), actual.get("ID").asText());
      }
    }

    private String substitute(String text) {
      String out = text;
      for (Map.Entry<String, String> s : substitutions.entrySet()) {
        out = out.replace(s.getKey(), s.getValue());
      }
      return out;
    }

    private static Set<String> headerNames(Set<String> names) {
      return names.stream()
          .map(n -> n.toLowerCase(Locale.ROOT))
          .filter(n -> !FRAMING.contains(n))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
