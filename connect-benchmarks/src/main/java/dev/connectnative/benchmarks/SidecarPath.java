package dev.connectnative.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ServerSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar chain: client → local sidecar (plain TCP) → mutual TLS 1.3 → remote sidecar → plain
 * {@link BlockingServer}. The two sidecars are separate HAProxy or stunnel processes started from
 * generated configuration files in a temporary directory, charged to this path by pid, and killed
 * by {@link #close()}.
 */
final class SidecarPath implements Path {
  private static final Logger log = LoggerFactory.getLogger(SidecarPath.class);
  private static final long READY_TIMEOUT_MS = 10_000;
  private static final String CURVES = "X25519:P-256";

  /** Which proxy to run. */
  enum Kind {
    HAPROXY(Paths.HAPROXY, "haproxy"),
    STUNNEL(Paths.STUNNEL, "stunnel4");

    private final String title;
    private final String executable;

    Kind(String title, String executable) {
      this.title = title;
      this.executable = executable;
    }
  }

  private final Kind kind;
  private final Pki pki;
  private final List<Process> processes = new ArrayList<>();
  private java.nio.file.Path dir;
  private BlockingServer backend;
  private InetSocketAddress local;

  SidecarPath(Kind kind, Pki pki) {
    this.kind = kind;
    this.pki = pki;
  }

  /** The proxy's executable on the PATH, or {@code null} if it is not installed. */
  static String locate(Kind kind) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin");
    for (String entry : (path + ":/usr/sbin:/usr/bin").split(File.pathSeparator)) {
      File candidate = new File(entry, kind.executable);
      if (candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    return null;
  }

  @Override
  public String name() {
    return kind.title;
  }

  @Override
  public InetSocketAddress start() throws IOException {
    String executable = locate(kind);
    if (executable == null) {
      throw new IllegalStateException(kind.executable + " is not installed");
    }
    dir = Files.createTempDirectory("connectnative-bench-" + kind.executable);
    backend =
        new BlockingServer(
            kind.executable + "-backend",
            BlockingServer.bind(ServerSocketFactory.getDefault()),
            s -> {});
    int localPort = freePort();
    int remotePort = freePort();
    pki.writeRootPem(dir.resolve("root.pem"));
    pki.writeLeafPem("client", dir.resolve("client.pem"));
    pki.writeLeafPem("server", dir.resolve("server.pem"));
    int backendPort = backend.address().getPort();
    if (kind == Kind.HAPROXY) {
      launch(executable, "local", haproxyLocal(localPort, remotePort));
      launch(executable, "remote", haproxyRemote(remotePort, backendPort));
    } else {
      launch(executable, "local", stunnelLocal(localPort, remotePort));
      launch(executable, "remote", stunnelRemote(remotePort, backendPort));
    }
    local = new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort);
    awaitListening(remotePort);
    awaitListening(localPort);
    return local;
  }

  private String haproxyGlobal() {
    return String.join(
        "\n",
        "global",
        "  maxconn 8192",
        "defaults",
        "  mode tcp",
        "  timeout connect 5s",
        "  timeout client 30s",
        "  timeout server 30s",
        "");
  }

  private String haproxyLocal(int localPort, int remotePort) {
    return haproxyGlobal()
        + String.join(
            "\n",
            "frontend local",
            "  bind 127.0.0.1:" + localPort,
            "  default_backend remote",
            "backend remote",
            "  server remote 127.0.0.1:"
                + remotePort
                + " ssl crt "
                + file("client.pem")
                + " ca-file "
                + file("root.pem")
                + " verify required ssl-min-ver TLSv1.3 no-ssl-reuse",
            "");
  }

  private String haproxyRemote(int remotePort, int backendPort) {
    return haproxyGlobal()
        + String.join(
            "\n",
            "frontend remote",
            "  bind 127.0.0.1:"
                + remotePort
                + " ssl crt "
                + file("server.pem")
                + " ca-file "
                + file("root.pem")
                + " verify required ssl-min-ver TLSv1.3 curves "
                + CURVES,
            "  default_backend app",
            "backend app",
            "  server app 127.0.0.1:" + backendPort,
            "");
  }

  private String stunnelGlobal(String role) {
    return String.join(
        "\n",
        "foreground = yes",
        "pid =",
        "syslog = no",
        "debug = 3",
        "output = " + file("stunnel-" + role + ".log"),
        "socket = l:TCP_NODELAY=1",
        "socket = r:TCP_NODELAY=1",
        "");
  }

  private String stunnelLocal(int localPort, int remotePort) {
    return stunnelGlobal("local")
        + String.join(
            "\n",
            "[local]",
            "client = yes",
            "accept = 127.0.0.1:" + localPort,
            "connect = 127.0.0.1:" + remotePort,
            "cert = " + file("client.pem"),
            "CAfile = " + file("root.pem"),
            "verifyChain = yes",
            "sslVersionMin = TLSv1.3",
            "curves = " + CURVES,
            "sessionResume = no",
            "");
  }

  private String stunnelRemote(int remotePort, int backendPort) {
    return stunnelGlobal("remote")
        + String.join(
            "\n",
            "[remote]",
            "accept = 127.0.0.1:" + remotePort,
            "connect = 127.0.0.1:" + backendPort,
            "cert = " + file("server.pem"),
            "CAfile = " + file("root.pem"),
            "verifyChain = yes",
            "sslVersionMin = TLSv1.3",
            "curves = " + CURVES,
            "");
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private void launch(String executable, String role, String config) throws IOException {
    java.nio.file.Path configFile = dir.resolve(role + ".cfg");
    Files.writeString(configFile, config);
    List<String> command =
        kind == Kind.HAPROXY
            ? List.of(executable, "-db", "-f", configFile.toString())
            : List.of(executable, configFile.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(role + ".out").toFile())
            .start();
    processes.add(process);
    log.debug("started {} {} as pid {}", kind.executable, role, process.pid());
  }

  /** The sidecars give no readiness signal, so poll their ports, bounded. */
  private void awaitListening(int port) throws IOException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (true) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IOException(
              kind.executable + " exited with " + process.exitValue() + ": " + output());
        }
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        return;
      } catch (IOException notYet) {
        if (System.currentTimeMillis() > deadline) {
          throw new IOException(
              kind.executable
                  + " did not listen on "
                  + port
                  + " within "
                  + READY_TIMEOUT_MS
                  + " ms: "
                  + output(),
              notYet);
        }
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + kind.executable, e);
      }
    }
  }

  private String output() {
    StringBuilder text = new StringBuilder();
    try (Stream<java.nio.file.Path> files = Files.list(dir)) {
      for (java.nio.file.Path out : files.filter(p -> p.toString().endsWith(".out")).toList()) {
        text.append(out.getFileName()).append(": ").append(Files.readString(out).strip());
        text.append("; ");
      }
    } catch (IOException e) {
      text.append("(output unreadable: ").append(e).append(')');
    }
    return text.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Override
  public Conn connect() throws IOException {
    return SocketConn.open(new Socket(), local);
  }

  @Override
  public List<Long> helperPids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    processes.clear();
    if (backend != null) {
      backend.close();
    }
    if (dir != null) {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(java.nio.file.Path root) {
    try (Stream<java.nio.file.Path> files = Files.walk(root)) {
      for (java.nio.file.Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
