package dev.connectnative.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** One recorded exchange with a real Consul 1.10.4 agent, parsed from a {@code *.http} file. */
record GoldenRecording(
    String name,
    String method,
    String target,
    Map<String, String> requestHeaders,
    String requestBody,
    int status,
    Map<String, String> responseHeaders,
    List<String> responseHeaderNames,
    String responseBody,
    double elapsedSeconds) {

  /** Finds {@code shared/consul-golden} beside the checkout, walking up from the working dir. */
  static Optional<Path> directory() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("consul-golden");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Loads every recording whose file name passes {@code filter}, in name order. */
  static List<GoldenRecording> load(Path dir, java.util.function.Predicate<String> filter) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".http"))
          .filter(f -> filter.test(f.getFileName().toString()))
          .sorted()
          .map(GoldenRecording::parse)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GoldenRecording parse(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name = file.getFileName().toString().replace(".http", "");
    String[] lines = text.split("\n", -1);
    String method = "";
    String target = "";
    Map<String, String> requestHeaders = new LinkedHashMap<>();
    StringBuilder requestBody = new StringBuilder();
    int i = 0;
    boolean inBody = false;
    for (; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("### REQUEST: ")) {
        String[] parts = line.substring(13).split(" ", 2);
        method = parts[0];
        target = parts[1];
      } else if (line.startsWith("### curl-arg: ")) {
        String arg = line.substring(14);
        int colon = arg.indexOf(": ");
        if (!"-H".equals(arg) && colon > 0) {
          requestHeaders.put(arg.substring(0, colon), arg.substring(colon + 2));
        }
      } else if (line.equals("### REQUEST BODY:")) {
        inBody = true;
      } else if (line.equals("### RESPONSE:")) {
        i++;
        break;
      } else if (inBody) {
        if (requestBody.length() > 0) {
          requestBody.append('\n');
        }
        requestBody.append(line);
      }
    }
    int status = Integer.parseInt(lines[i].split(" ")[1]);
    Map<String, String> responseHeaders = new LinkedHashMap<>();
    List<String> responseHeaderNames = new ArrayList<>();
    for (i++; i < lines.length && !lines[i].strip().isEmpty(); i++) {
      String header = lines[i].strip();
      int colon = header.indexOf(": ");
      responseHeaderNames.add(header.substring(0, colon));
      responseHeaders.put(
          header.substring(0, colon).toLowerCase(Locale.ROOT), header.substring(colon + 2));
    }
    List<String> body = new ArrayList<>();
    double elapsed = 0;
    for (i++; i < lines.length; i++) {
      int marker = lines[i].indexOf("### ELAPSED_SECONDS: ");
      if (marker >= 0) {
        if (marker > 0) {
          body.add(lines[i].substring(0, marker));
        }
        elapsed = Double.parseDouble(lines[i].substring(marker + 21).trim());
        break;
      }
      body.add(lines[i]);
    }
    String responseBody = String.join("\n", body);
    return new GoldenRecording(
        name,
        method,
        target,
        requestHeaders,
        requestBody.toString(),
        status,
        responseHeaders,
        List.copyOf(responseHeaderNames),
        responseBody,
        elapsed);
  }

  String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  boolean isJson() {
    return responseHeaders.getOrDefault("content-type", "").startsWith("application/json");
  }
}
