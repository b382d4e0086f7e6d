package dev.connectnative.benchmarks;

import java.util.function.ToDoubleFunction;

/** A figure in the results table, taken from one workload's {@link Workloads.Sample}. */
enum Metric {
  BULK_MB_PER_S("bulk MB/s", true, s -> s.perSecond() / 1e6),
  CPU_MS_PER_GB("CPU ms/GB", true, s -> s.cpuNanosPerUnit() * 1e9 / 1e6),
  CONNS_PER_S("new conns/s, 4 clients", false, Workloads.Sample::perSecond),
  CPU_US_PER_CONN("CPU µs/conn", false, s -> s.cpuNanosPerUnit() / 1e3);

  final String title;
  final boolean bulk;
  private final ToDoubleFunction<Workloads.Sample> value;

  Metric(String title, boolean bulk, ToDoubleFunction<Workloads.Sample> value) {
    this.title = title;
    this.bulk = bulk;
    this.value = value;
  }

  double of(Workloads.Sample sample) {
    return value.applyAsDouble(sample);
  }
}
