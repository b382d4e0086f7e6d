package dev.connectnative.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockingTest {
  @Test
  void parsesGoDurations() {
    assertThat(Blocking.parseGoDuration("1500ms")).contains(Duration.ofMillis(1500));
    assertThat(Blocking.parseGoDuration("2m30s")).contains(Duration.ofSeconds(150));
    assertThat(Blocking.parseGoDuration("1.5h")).contains(Duration.ofMinutes(90));
    assertThat(Blocking.parseGoDuration("0")).contains(Duration.ZERO);
    assertThat(Blocking.parseGoDuration("2")).isEqualTo(Optional.empty());
    assertThat(Blocking.parseGoDuration("abc")).isEmpty();
    assertThat(Blocking.parseGoDuration("5s garbage")).isEmpty();
    assertThat(Blocking.parseGoDuration("")).isEmpty();
  }

  @Test
  void capsWaitAtTenMinutesPlusAtMostASixteenth() {
    AgentState state = new AgentState(Clock.systemUTC(), new Random(7));
    for (int i = 0; i < 100; i++) {
      Duration wait = state.effectiveWait(Duration.ofHours(1));
      assertThat(wait)
          .isBetween(
              Duration.ofMinutes(10),
              Duration.ofMinutes(10).plus(Duration.ofMinutes(10).dividedBy(16)));
      Duration small = state.effectiveWait(Duration.ofSeconds(16));
      assertThat(small).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(17));
    }
  }

  @Test
  void formatsJsonLikeGo() {
    com.fasterxml.jackson.databind.node.ObjectNode node = Json.object();
    node.put("Reason", "a => b & <c>");
    node.putArray("Tags");
    node.putObject("Meta");
    node.putArray("List").add(1);
    assertThat(new String(Json.pretty(node), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "{\n    \"Reason\": \"a =\\u003e b \\u0026 \\u003cc\\u003e\",\n    \"Tags\": [],\n"
                + "    \"Meta\": {},\n    \"List\": [\n        1\n    ]\n}\n");
  }
}
