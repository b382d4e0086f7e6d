package dev.connectnative.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {
  @Test
  void medianIgnoresMissingRounds() {
    assertThat(Results.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Results.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    assertThat(Results.median(new double[] {Double.NaN, 5})).isEqualTo(5);
    assertThat(Results.median(new double[] {Double.NaN})).isNaN();
  }

  @Test
  void ratiosArePairedByRound() {
    Results results = new Results();
    results.addPath("a");
    results.addPath("b");
    // Round 1: a=100/s, b=50/s; round 2: a=300/s, b=100/s; round 3: b failed.
    results.record("a", false, conns(100));
    results.record("b", false, conns(50));
    results.record("a", false, conns(300));
    results.record("b", false, conns(100));
    results.record("a", false, conns(200));
    results.record("b", false, null);

    Ratio ratio = new Ratio("a", "b", Metric.CONNS_PER_S);
    double[] perRound = results.ratios(ratio);

    assertThat(perRound[0]).isEqualTo(2.0);
    assertThat(perRound[1]).isEqualTo(3.0);
    assertThat(perRound[2]).isNaN();
    assertThat(Results.median(perRound)).isEqualTo(2.5);
    String table = results.markdown(List.of(ratio));
    assertThat(table)
        .contains("| a | — | — | 200 ±50% | 10,000 ±0% |")
        .contains("- new conns/s, 4 clients: a / b: **2.50×** (2.00–3.00)");
  }

  @Test
  void skippedPathsAreListedWithTheReason() {
    Results results = new Results();
    results.skip("stunnel", "stunnel4 is not installed");
    assertThat(results.markdown(List.of())).contains("- stunnel: stunnel4 is not installed");
  }

  /** {@code perSecond} connections in one second, each costing 10 ms of CPU. */
  private static Workloads.Sample conns(long perSecond) {
    return new Workloads.Sample(perSecond, 1_000_000_000L, perSecond * 10_000_000L, 0);
  }
}
