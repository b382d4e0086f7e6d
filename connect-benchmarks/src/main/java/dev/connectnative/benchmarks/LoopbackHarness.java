package dev.connectnative.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Runs every {@link Path} through the bulk and new-connection workloads over loopback, interleaved
 * (round r runs all paths, starting at a different one each round), and prints a Markdown table of
 * medians with ratio lines computed from the same run.
 *
 * <pre>{@code
 * java -jar connect-benchmarks/target/benchmarks.jar [--quick] [--rounds N] [--bulk-mb N]
 *     [--conn-seconds S] [--warmup-seconds S] [--only REGEX] [--no-checks] [--report FILE]
 * }</pre>
 *
 * <p>After the table come the counted {@link Checks} (skip them with {@code --no-checks}).
 *
 * <p>Progress goes to stderr, the table to stdout and, with {@code --report}, to a file.
 */
public final class LoopbackHarness {
  private static final int CLIENTS = 4;
  private static final String USAGE =
      "usage: java -jar benchmarks.jar [--quick] [--rounds N] [--bulk-mb N] [--conn-seconds S]"
          + " [--warmup-seconds S] [--only REGEX] [--no-checks] [--report FILE]";

  private LoopbackHarness() {}

  /**
   * Runs the harness.
   *
   * @param args see the class documentation
   * @throws Exception if the run cannot complete (a single path failing only skips that path)
   */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("jdk.tls.namedGroups") == null) {
      System.setProperty("jdk.tls.namedGroups", "x25519,secp256r1");
    }
    Options options = Options.parse(args);
    PrintStream progress = System.err;
    Results results = new Results();
    List<Path> paths = new ArrayList<>();
    try {
      Pki pki = new Pki();
      for (Paths.Candidate candidate : Paths.all(pki)) {
        if (options.only.matcher(candidate.name()).find()) {
          start(candidate, paths, results, progress);
        }
      }
      warmUp(options, paths, results, progress);
      for (int round = 0; round < options.rounds; round++) {
        progress.printf(Locale.ROOT, "round %d/%d%n", round + 1, options.rounds);
        for (int i = 0; i < paths.size(); i++) {
          measure(paths.get((i + round) % paths.size()), options, results, progress);
        }
      }
      String table = options.describe() + "\n\n" + results.markdown(Paths.ratios());
      if (options.checks) {
        progress.println("checks");
        table += "\n" + Checks.markdown();
      }
      System.out.println(table);
      if (options.report != null) {
        Files.writeString(options.report, table);
      }
    } finally {
      for (Path path : paths) {
        path.close();
      }
    }
  }

  private static void start(
      Paths.Candidate candidate, List<Path> paths, Results results, PrintStream progress) {
    Path path = null;
    try {
      path = candidate.create().call();
      path.start();
      paths.add(path);
      results.addPath(path.name());
      progress.println("started: " + path.name());
    } catch (Exception | LinkageError e) {
      if (path != null) {
        path.close();
      }
      results.skip(candidate.name(), describe(e));
      progress.println("skipped: " + candidate.name() + ": " + describe(e));
    }
  }

  private static void warmUp(
      Options options, List<Path> paths, Results results, PrintStream progress) {
    for (Iterator<Path> it = paths.iterator(); it.hasNext(); ) {
      Path path = it.next();
      try {
        Workloads.Sample sample = Workloads.connections(path, CLIENTS, options.warmup);
        if (sample.units() == 0) {
          throw new IOException("no connection succeeded during warm-up");
        }
        if (path.bulk()) {
          Workloads.bulk(path, options.bulkBytes / 4);
        }
        progress.println("warmed up: " + path.name());
      } catch (IOException | RuntimeException e) {
        progress.println("skipped after a failed warm-up: " + path.name() + ": " + describe(e));
        results.drop(path.name(), "warm-up failed: " + describe(e));
        path.close();
        it.remove();
      }
    }
  }

  private static void measure(Path path, Options options, Results results, PrintStream progress) {
    if (path.bulk()) {
      try {
        Workloads.Sample bulk = Workloads.bulk(path, options.bulkBytes);
        results.record(path.name(), true, bulk);
        progress.printf(
            Locale.ROOT,
            "  %-40s bulk %8.0f MB/s %8.0f CPU ms/GB%n",
            path.name(),
            Metric.BULK_MB_PER_S.of(bulk),
            Metric.CPU_MS_PER_GB.of(bulk));
      } catch (IOException | RuntimeException e) {
        results.record(path.name(), true, null);
        progress.println("  " + path.name() + " bulk failed: " + describe(e));
      }
    }
    Workloads.Sample conns = Workloads.connections(path, CLIENTS, options.connDuration);
    results.record(path.name(), false, conns.units() == 0 ? null : conns);
    progress.printf(
        Locale.ROOT,
        "  %-40s conns %7.0f /s %8.0f CPU µs/conn%s%n",
        path.name(),
        Metric.CONNS_PER_S.of(conns),
        Metric.CPU_US_PER_CONN.of(conns),
        conns.errors() > 0 ? " (" + conns.errors() + " failed)" : "");
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() == null || message.contains(String.valueOf(e.getCause().getMessage()))
        ? message
        : message + " (" + e.getCause() + ")";
  }

  /** Command-line settings; {@code --quick} sets short defaults that later flags override. */
  private static final class Options {
    int rounds = 7;
    long bulkBytes = 512L << 20;
    Duration connDuration = Duration.ofSeconds(3);
    Duration warmup = Duration.ofSeconds(5);
    Pattern only = Pattern.compile("");
    boolean checks = true;
    java.nio.file.Path report;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--quick" -> {
            o.rounds = 3;
            o.bulkBytes = 128L << 20;
            o.connDuration = Duration.ofSeconds(1);
            o.warmup = Duration.ofSeconds(1);
          }
          case "--rounds" -> o.rounds = Integer.parseInt(value(args, ++i, arg));
          case "--bulk-mb" -> o.bulkBytes = Long.parseLong(value(args, ++i, arg)) << 20;
          case "--conn-seconds" -> o.connDuration = seconds(value(args, ++i, arg));
          case "--warmup-seconds" -> o.warmup = seconds(value(args, ++i, arg));
          case "--only" -> o.only = Pattern.compile(value(args, ++i, arg));
          case "--no-checks" -> o.checks = false;
          case "--report" -> o.report = java.nio.file.Path.of(value(args, ++i, arg));
          case "--help" -> {
            System.out.println(USAGE);
            System.exit(0);
          }
          default -> throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
        }
      }
      if (o.rounds < 1) {
        throw new IllegalArgumentException("--rounds must be at least 1, was " + o.rounds);
      }
      return o;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d rounds; bulk %d MB per round; new connections %.1f s per round with %d clients;"
              + " warm-up %.1f s of new connections and a %d MB bulk per path.",
          rounds,
          bulkBytes >> 20,
          connDuration.toMillis() / 1000.0,
          CLIENTS,
          warmup.toMillis() / 1000.0,
          (bulkBytes / 4) >> 20);
    }

    private static Duration seconds(String text) {
      return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }
  }
}
