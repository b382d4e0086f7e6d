package dev.connectnative.internal.agent;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One recorded exchange from {@code shared/consul-golden}: the agent's answer. */
record Golden(int status, Map<String, String> headers, String body) {

  static Golden load(String file) {
    Path path = dir().resolve(file);
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = text.indexOf("### RESPONSE:\n") + "### RESPONSE:\n".length();
    int end = text.indexOf("\n### ELAPSED_SECONDS:", start);
    String response = text.substring(start, end);
    int split = response.indexOf("\r\n\r\n");
    String head = split < 0 ? response : response.substring(0, split);
    String body = split < 0 ? "" : response.substring(split + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon);
      if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
        headers.put(name, lines[i].substring(colon + 1).trim());
      }
    }
    return new Golden(status, headers, body);
  }

  /**
   * The recordings directory: {@code -Dconnectnative.golden=<dir>}, or found by walking up from the
   * working directory.
   */
  static Path dir() {
    String configured = System.getProperty("connectnative.golden");
    if (configured != null && Files.isDirectory(Path.of(configured))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/consul-golden");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "shared/consul-golden not found above " + Path.of("").toAbsolutePath());
    throw new IllegalStateException("unreachable");
  }
}
