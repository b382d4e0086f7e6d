package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the recorded exchanges with a real Consul 1.10.4 agent against a {@link DevAgent} driven
 * through the same sequence of requests, and compares status, header names exactly as sent (case
 * and order), body framing, JSON structure and error texts. Requests go over a raw socket the way
 * curl sends them. Blocking waits are shortened to 250 ms; indexes are mapped to the dev agent's.
 */
class GoldenReplayTest {
  private static final UUID CLUSTER = UUID.fromString("3779268c-d290-379c-fa43-991e61fd2ae8");
  private static final String MASTER = "c0ffee00-0000-4000-8000-000000000001";
  private static final String RECORDED_ECHO_TOKEN = "e0e0e0e0-0000-4000-8000-00000000ec40";
  private static final Set<String> FRAMING = Set.of("Content-Length", "Transfer-Encoding");
  private static final Pattern INDEX = Pattern.compile("([?&])index=([^&]*)");
  private static final Pattern WAIT = Pattern.compile("([?&])wait=([^&]*)");
  private static final ObjectMapper JSON = new ObjectMapper();

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
        .onClose(replay::close);
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
        .onClose(replay::close);
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
    final List<Map.Entry<GoldenRecording, CompletableFuture<RawHttp.Response>>> pending =
        new ArrayList<>();
    final ExecutorService background =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "golden-replay-blocking");
              t.setDaemon(true);
              return t;
            });

    Replay(DevAgent agent) {
      this.agent = agent;
    }

    void close() {
      background.shutdownNow();
      agent.close();
    }

    void check(GoldenRecording recording) throws Exception {
      if (wokenByChange(recording)) {
        String target = substitute(mapBlocking(recording, "20s"));
        pending.add(
            Map.entry(
                recording,
                CompletableFuture.supplyAsync(() -> send(recording, target), background)));
        return;
      }
      RawHttp.Response response = send(recording, substitute(mapBlocking(recording, "250ms")));
      verify(recording, response);
      if (!"GET".equals(recording.method())) {
        joinPending();
      }
    }

    /** Checks the blocking queries started earlier, now that their trigger has run. */
    void joinPending() throws Exception {
      for (Map.Entry<GoldenRecording, CompletableFuture<RawHttp.Response>> p : pending) {
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

    private RawHttp.Response send(GoldenRecording recording, String target) {
      Map<String, String> headers = new LinkedHashMap<>();
      recording.requestHeaders().forEach((k, v) -> headers.put(k, substitute(v)));
      return RawHttp.exchange(
          agent.port(), recording.method(), target, headers, substitute(recording.requestBody()));
    }

    private void verify(GoldenRecording recording, RawHttp.Response response) throws Exception {
      remember(recording, response);

      assertThat(response.status())
          .as("status of %s", recording.name())
          .isEqualTo(recording.status());
      assertThat(headerNames(response.names()))
          .as("header names, exact case and order, of %s", recording.name())
          .containsExactlyElementsOf(headerNames(recording.responseHeaderNames()));
      assertThat(response.framing())
          .as("framing of a %d-byte body in %s", response.body().length, recording.name())
          .isEqualTo(response.body().length > 2048 ? "chunked" : "length");
      if (recording.isJson()) {
        JsonNode expected = JSON.readTree(recording.responseBody());
        JsonNode actual = JSON.readTree(response.text());
        if (recording.path().equals("/v1/agent/self")) {
          expected = expected.get("Config");
          actual = actual.get("Config");
        }
        learnIds(expected, actual);
        sortRoots(expected);
        sortRoots(actual);
        assertThat(JsonShape.diff(expected, actual)).as("JSON of %s", recording.name()).isEmpty();
      } else {
        assertThat(response.text())
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

    private void remember(GoldenRecording recording, RawHttp.Response response) {
      String recorded = recording.responseHeaders().get("x-consul-index");
      Optional<String> ours = response.header("X-Consul-Index");
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

    /**
     * The names as sent, case-sensitive and in order. Content-Length and Transfer-Encoding become
     * one framing slot because the body sizes differ (the framing is checked against our size); Age
     * is left out because it follows X-Cache: HIT, whose value is not compared either.
     */
    private static List<String> headerNames(List<String> names) {
      return names.stream()
          .filter(n -> !"Age".equals(n))
          .map(n -> FRAMING.contains(n) ? "<framing>" : n)
          .toList();
    }
  }
}
