package dev.connectnative.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The counted checks hold on a fresh mesh (they are counts, not timings). */
class ChecksTest {
  @Test
  void warmDialsAndCachedAuthorizationAskTheAgentNothingAndAnEmptiedCacheOnce() throws Exception {
    try (ConnectnativePath path =
        new ConnectnativePath("checks", UnaryOperator.identity(), ConnectnativePath.Mode.FULL)) {
      path.start();
      Checks.Finding dials = Checks.warmDials(path);
      Checks.Finding warm = Checks.authorizeCalls(path, false);
      Checks.Finding emptied = Checks.authorizeCalls(path, true);
      assertThat(dials.pass()).as(dials.text()).isTrue();
      assertThat(dials.text()).contains("made 0 agent HTTP calls");
      assertThat(warm.pass()).as(warm.text()).isTrue();
      assertThat(warm.text()).contains("0.00 agent authorize calls");
      assertThat(emptied.pass()).as(emptied.text()).isTrue();
      assertThat(emptied.text()).contains("1.00 agent authorize calls");
    }
  }

  @Test
  void footprintCountsTheThreadsOfIdleServices() {
    Checks.Finding footprint = Checks.footprint(2);
    assertThat(footprint.text()).contains("mean of 2").containsPattern(", [1-9][0-9.]* threads");
  }
}
