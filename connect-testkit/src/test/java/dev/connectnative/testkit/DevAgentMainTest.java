package dev.connectnative.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DevAgentMainTest {
  private static final Pattern ADDRESS =
      Pattern.compile(
          "listening on http://127\\.0\\.0\\.1:(\\d+) \\(CONSUL_HTTP_ADDR=127\\.0\\.0\\.1:\\1\\)");

  @Test
  void mainRunsInItsOwnJvmAndPrintsItsAddress() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                List.of(
                    javaBin.toString(),
                    "-cp",
                    classpath,
                    DevAgentMain.class.getName(),
                    "--port",
                    "0",
                    "--service",
                    "echo:9090"))
            .redirectErrorStream(false)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
      Matcher m = ADDRESS.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      java.net.http.HttpResponse<String> health =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://127.0.0.1:" + m.group(1) + "/v1/health/connect/echo"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"Port\": 9090");
    } finally {
      process.destroy();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void startPrintsTheAddressAndRejectsBadArguments() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DevAgent agent =
        DevAgentMain.start(
            new String[] {"--port", "0", "--datacenter", "dc9", "--leaf-ttl", "1h"},
            new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(agent.url(), agent.trustDomain());
      assertThat(agent.datacenter()).isEqualTo("dc9");
    }
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> DevAgentMain.start(new String[] {"--bogus", "1"}, sink))
        .hasMessage("unknown option --bogus");
    assertThatThrownBy(() -> DevAgentMain.start(new String[] {"--port"}, sink))
        .hasMessage("missing value after --port");
    assertThatThrownBy(() -> DevAgentMain.start(new String[] {"--service", "echo"}, sink))
        .hasMessageContaining("NAME:PORT");
  }

  private static String readLine(BufferedReader reader) {
    try {
      String line = reader.readLine();
      return line == null ? "" : line;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
