package dev.connectnative.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Samples per path and workload, one slot per round ({@code null} where a measurement failed), and
 * their rendering as a Markdown table of medians with ratio lines computed round by round.
 */
final class Results {
  private final Map<String, List<Workloads.Sample>> bulk = new LinkedHashMap<>();
  private final Map<String, List<Workloads.Sample>> conns = new LinkedHashMap<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();

  void addPath(String name) {
    bulk.put(name, new ArrayList<>());
    conns.put(name, new ArrayList<>());
  }

  void skip(String name, String why) {
    skipped.put(name, why);
  }

  void drop(String name, String why) {
    bulk.remove(name);
    conns.remove(name);
    skip(name, why);
  }

  void record(String path, boolean bulkWorkload, Workloads.Sample sample) {
    (bulkWorkload ? bulk : conns).get(path).add(sample);
  }

  private List<Workloads.Sample> samples(String path, Metric metric) {
    return (metric.bulk ? bulk : conns).getOrDefault(path, List.of());
  }

  /** Values of {@code metric} for {@code path}, one per round, NaN where there is none. */
  double[] values(String path, Metric metric) {
    return samples(path, metric).stream()
        .mapToDouble(s -> s == null ? Double.NaN : metric.of(s))
        .toArray();
  }

  long errors(String path) {
    return conns.getOrDefault(path, List.of()).stream()
        .filter(Objects::nonNull)
        .mapToLong(Workloads.Sample::errors)
        .sum();
  }

  static double median(double[] values) {
    double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Per-round ratios of {@code ratio}, NaN where either side is missing. */
  double[] ratios(Ratio ratio) {
    double[] top = values(ratio.numerator(), ratio.metric());
    double[] bottom = values(ratio.denominator(), ratio.metric());
    double[] out = new double[Math.min(top.length, bottom.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = top[i] / bottom[i];
    }
    return out;
  }

  String markdown(List<Ratio> ratioLines) {
    StringBuilder md = new StringBuilder("| path (JDK " + Runtime.version().feature() + ")");
    for (Metric metric : Metric.values()) {
      md.append(" | ").append(metric.title);
    }
    md.append(" |\n| ---");
    md.append(" | ---:".repeat(Metric.values().length)).append(" |\n");
    for (String path : bulk.keySet()) {
      long errors = errors(path);
      md.append("| ").append(path);
      if (errors > 0) {
        md.append(" (").append(errors).append(" failed conns)");
      }
      for (Metric metric : Metric.values()) {
        md.append(" | ").append(cell(values(path, metric)));
      }
      md.append(" |\n");
    }
    md.append("\nRatios (median of per-round ratios, min–max over rounds):\n\n");
    for (Ratio ratio : ratioLines) {
      double[] perRound = ratios(ratio);
      double median = median(perRound);
      if (Double.isNaN(median)) {
        continue;
      }
      double[] present = Arrays.stream(perRound).filter(v -> !Double.isNaN(v)).toArray();
      md.append(
          String.format(
              Locale.ROOT,
              "- %s: **%.2f×** (%.2f–%.2f)%n",
              ratio.label(),
              median,
              Arrays.stream(present).min().orElse(Double.NaN),
              Arrays.stream(present).max().orElse(Double.NaN)));
    }
    if (!skipped.isEmpty()) {
      md.append("\nSkipped:\n\n");
      skipped.forEach(
          (path, why) -> md.append("- ").append(path).append(": ").append(why).append('\n'));
    }
    return md.toString();
  }

  /** The median, and half the min–max spread relative to it. */
  private static String cell(double[] values) {
    double median = median(values);
    if (Double.isNaN(median)) {
      return "—";
    }
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    double spread =
        (Arrays.stream(present).max().orElse(median) - Arrays.stream(present).min().orElse(median))
            / 2
            / median;
    return String.format(Locale.ROOT, "%,.0f ±%.0f%%", median, spread * 100);
  }
}
