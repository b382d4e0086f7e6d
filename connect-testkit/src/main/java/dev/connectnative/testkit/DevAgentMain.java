package dev.connectnative.testkit;

import dev.connectnative.testkit.internal.Blocking;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link DevAgent} from the command line until the process is stopped.
 *
 * <pre>
 * java -jar connect-testkit-&lt;version&gt;-all.jar --port 8500 [--datacenter dc1]
 *     [--acl-master-token TOKEN] [--leaf-ttl 72h] [--service NAME:PORT]...
 * </pre>
 *
 * <p>Prints one line with the agent's address, then serves until interrupted (Ctrl-C).
 */
public final class DevAgentMain {
  private DevAgentMain() {}

  /**
   * Starts the agent and blocks until the JVM shuts down.
   *
   * @param args command line arguments
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.println(usage());
      return;
    }
    DevAgent agent;
    try {
      agent = start(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "connect-devagent-shutdown"));
    stopped.await();
  }

  /**
   * Parses {@code args}, starts the agent and prints its address to {@code out}.
   *
   * @param args command line arguments
   * @param out where to print the address line
   * @return the running agent; the caller closes it
   * @throws IllegalArgumentException on a bad argument
   */
  public static DevAgent start(String[] args, PrintStream out) {
    DevAgent.Builder builder = DevAgent.builder();
    java.util.List<String[]> services = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--port":
          builder.port(parsePort(value));
          break;
        case "--datacenter":
          builder.datacenter(value);
          break;
        case "--acl-master-token":
          builder.aclMasterToken(value);
          break;
        case "--leaf-ttl":
          Duration ttl =
              Blocking.parseGoDuration(value)
                  .orElseThrow(() -> new IllegalArgumentException("bad --leaf-ttl " + value));
          builder.leafTtl(ttl);
          break;
        case "--service":
          String[] parts = value.split(":", 2);
          if (parts.length != 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("--service wants NAME:PORT, not " + value);
          }
          parsePort(parts[1]);
          services.add(parts);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    DevAgent agent = builder.start();
    services.forEach(s -> agent.registerService(s[0], Integer.parseInt(s[1])));
    out.println(
        "connectnative dev agent listening on "
            + agent.url()
            + " (CONSUL_HTTP_ADDR="
            + agent.address()
            + "), trust domain "
            + agent.trustDomain());
    out.flush();
    return agent;
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + value + " is out of range");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port " + value, e);
    }
  }

  private static String usage() {
    return "usage: java -jar connect-testkit-all.jar [--port 8500] [--datacenter dc1]"
        + " [--acl-master-token TOKEN] [--leaf-ttl 72h] [--service NAME:PORT]...";
  }
}
