package dev.connectnative.benchmarks;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectService;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.RecordedRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Counted (not timed) properties of connectnative, printed under the table: agent HTTP calls of
 * warm dials, agent calls per accepted connection with a warm and with an emptied authorization
 * cache, and the idle footprint of a {@link ConnectService}.
 */
final class Checks {
  static final int DIALS = 200;
  static final int FOOTPRINT_SERVICES = 16;
  private static final String AUTHORIZE = "/v1/agent/connect/authorize";
  private static final String DEV_AGENT_THREADS = "connect-devagent";

  /** What one check found; {@code pass} is whether it met its target. */
  record Finding(String text, boolean pass) {}

  private Checks() {}

  /** Runs every check on a fresh mesh and returns the Markdown lines. */
  static String markdown() throws IOException {
    List<Finding> findings = new ArrayList<>();
    ConnectnativePath path =
        new ConnectnativePath("checks", UnaryOperator.identity(), ConnectnativePath.Mode.FULL);
    try (path) {
      path.start();
      findings.add(warmDials(path));
      findings.add(authorizeCalls(path, false));
      findings.add(authorizeCalls(path, true));
    }
    findings.add(footprint(FOOTPRINT_SERVICES));
    StringBuilder md = new StringBuilder("Checks (counted, not timed):\n\n");
    for (Finding f : findings) {
      md.append("- ").append(f.pass() ? "PASS" : "MISS").append(": ").append(f.text()).append('\n');
    }
    return md.toString();
  }

  /** Agent requests made while dialing the server {@link #DIALS} times with warm discovery. */
  static Finding warmDials(ConnectnativePath path) throws IOException {
    DevAgent agent = path.mesh().agent;
    int before = agent.requests().size();
    for (int i = 0; i < DIALS; i++) {
      try (Conn conn = path.connect()) {
        Protocol.echo(conn, new byte[] {(byte) i});
      }
    }
    List<RecordedRequest> during = agent.requests().subList(before, agent.requests().size());
    Map<String, Integer> byPath = new TreeMap<>();
    for (RecordedRequest r : during) {
      byPath.merge(r.path(), 1, Integer::sum);
    }
    long perDial = during.stream().filter(r -> !r.query().contains("index=")).count();
    return new Finding(
        String.format(
            Locale.ROOT,
            "%d warm dials (discovery watched) made %d agent HTTP calls outside long-poll"
                + " renewals (target 0); all requests during them: %s",
            DIALS,
            perDial,
            byPath.isEmpty() ? "none" : byPath),
        perDial == 0);
  }

  /**
   * {@code POST /v1/agent/connect/authorize} calls per accepted connection over {@link #DIALS}
   * sequential connections, with the server's cache warm, or emptied before each connection.
   */
  static Finding authorizeCalls(ConnectnativePath path, boolean uncached) throws IOException {
    DevAgent agent = path.mesh().agent;
    ConnectService server = path.mesh().server;
    int before = agent.requestCount(AUTHORIZE);
    for (int i = 0; i < DIALS; i++) {
      if (uncached) {
        server.authorizer().invalidateAll();
      }
      try (Conn conn = path.connect()) {
        Protocol.echo(conn, new byte[] {(byte) i});
      }
    }
    double perConnection = (agent.requestCount(AUTHORIZE) - before) / (double) DIALS;
    String what = uncached ? "emptied before each connection" : "warm";
    double target = uncached ? 1 : 0;
    return new Finding(
        String.format(
            Locale.ROOT,
            "authorization cache %s: %.2f agent authorize calls per accepted connection"
                + " (target %s)",
            what,
            perConnection,
            uncached ? "1, a single round trip" : "0"),
        perConnection <= target);
  }

  /**
   * Heap (after full GCs) and threads added per idle, ready service: {@code services} services on
   * one dev agent, started after as many others (which warm up classes and shared pools), each
   * following its roots and leaf; the larger of the heap added by starting them and the heap freed
   * by closing them, since the rest of the JVM's heap moves a little between the samples. The dev
   * agent runs in the same JVM, so its per-service state (catalog entry, leaf, parked long polls)
   * is counted too; its request threads ({@value #DEV_AGENT_THREADS}-*) are not.
   */
  static Finding footprint(int services) {
    List<ConnectService> started = new ArrayList<>();
    try (DevAgent agent = DevAgent.builder().start()) {
      AgentConfig config = AgentConfig.builder().address(agent.address()).build();
      // The first batch warms up classes and shared pools and stays up; the second is measured.
      startIdle(config, "warm-", services, started);
      long heap0 = usedHeapAfterGc();
      long threads0 = serviceThreads();
      List<ConnectService> measured = new ArrayList<>();
      startIdle(config, "idle-", services, measured);
      started.addAll(measured);
      long heap1 = usedHeapAfterGc();
      long threads1 = serviceThreads();
      measured.forEach(ConnectService::close);
      long heap2 = usedHeapAfterGc();
      double mb = 1 << 20;
      double addedPerService = (heap1 - heap0) / (double) services / mb;
      double freedPerService = (heap1 - heap2) / (double) services / mb;
      double footprint = Math.max(addedPerService, freedPerService);
      double threadsPerService = (threads1 - threads0) / (double) services;
      return new Finding(
          String.format(
              Locale.ROOT,
              "idle footprint of one ConnectService (mean of %d, ready, agent-backed): %.2f MB heap"
                  + " after GC (%.2f MB added by starting them, %.2f MB freed by closing them),"
                  + " %.1f threads (target ≤ 16 MB)",
              services,
              footprint,
              addedPerService,
              freedPerService,
              threadsPerService),
          footprint <= 16);
    } finally {
      started.forEach(ConnectService::close);
    }
  }

  private static void startIdle(
      AgentConfig config, String prefix, int count, List<ConnectService> started) {
    for (int i = 0; i < count; i++) {
      ConnectService service = Connect.service(prefix + i).agent(config).build();
      started.add(service);
      service.awaitReady(Duration.ofSeconds(30));
    }
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static long serviceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.getName().startsWith(DEV_AGENT_THREADS))
        .count();
  }
}
