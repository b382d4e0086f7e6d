package dev.connectnative.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;

/**
 * CPU time of this JVM plus helper processes (from {@code /proc/<pid>/stat}, utime + stime), in
 * nanoseconds. Helper figures have the kernel's clock-tick resolution (usually 10 ms).
 */
final class Cpu {
  private static final long TICKS_PER_SECOND = clockTicks();

  private Cpu() {}

  /** CPU time used so far by this JVM and the processes {@code helperPids}. */
  static long nanos(List<Long> helperPids) {
    long total = jvmNanos();
    for (long pid : helperPids) {
      total += processNanos(pid);
    }
    return total;
  }

  static long jvmNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU time of the process {@code pid} so far. */
  static long processNanos(long pid) {
    String stat;
    try {
      stat = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
    }
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes()).strip();
      if (getconf.waitFor() == 0 && !out.isEmpty()) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
