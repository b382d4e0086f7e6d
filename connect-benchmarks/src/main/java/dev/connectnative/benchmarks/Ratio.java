package dev.connectnative.benchmarks;

/** A key line under the table: {@code numerator}'s metric over {@code denominator}'s. */
record Ratio(String numerator, String denominator, Metric metric) {
  String label() {
    return metric.title + ": " + numerator + " / " + denominator;
  }
}
