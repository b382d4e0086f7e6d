package dev.connectnative.examples.readme;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the README's Java snippets identical to the compiled ones in {@link ReadmeSnippets}. */
class ReadmeSnippetsTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SNIPPETS =
      Path.of("src/main/java/dev/connectnative/examples/readme/ReadmeSnippets.java");

  @Test
  void everyReadmeSnippetIsTheCompiledOne() throws IOException {
    Map<String, String> compiled = compiledSnippets(Files.readString(SNIPPETS, UTF_8));
    Map<String, String> readme = readmeSnippets(Files.readString(README, UTF_8));

    assertThat(compiled)
        .containsKeys("service", "dial", "server-socket", "http-client", "adapters");
    assertThat(readme.keySet()).containsExactlyInAnyOrderElementsOf(compiled.keySet());
    compiled.forEach(
        (name, code) -> assertThat(readme.get(name)).as("README snippet %s", name).isEqualTo(code));
  }

  @Test
  void readmeJavaBlocksAreAllMarkedSnippets() throws IOException {
    String readme = Files.readString(README, UTF_8);
    int javaBlocks = count(Pattern.compile("(?m)^```java$"), readme);

    assertThat(javaBlocks).isEqualTo(readmeSnippets(readme).size());
  }

  @Test
  void extractionFindsMarkedRegionsAndDedents() {
    String java =
        "class X {\n  void f() {\n    // snippet:a\n    int x = 1;\n      x++;\n    // end:a\n  }\n}\n";
    String readme = "text\n<!-- snippet:a -->\n```java\nint x = 1;\n  x++;\n```\nmore\n";

    assertThat(compiledSnippets(java)).containsExactly(Map.entry("a", "int x = 1;\n  x++;"));
    assertThat(readmeSnippets(readme)).containsExactly(Map.entry("a", "int x = 1;\n  x++;"));
  }

  static Map<String, String> compiledSnippets(String source) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher start = Pattern.compile("(?m)^[ \\t]*// snippet:(\\S+)\\n").matcher(source);
    while (start.find()) {
      String name = start.group(1);
      Matcher end =
          Pattern.compile("(?m)^[ \\t]*// end:" + Pattern.quote(name) + "$").matcher(source);
      assertThat(end.find(start.end())).as("end of snippet %s", name).isTrue();
      out.put(name, dedent(source.substring(start.end(), end.start())));
    }
    return out;
  }

  static Map<String, String> readmeSnippets(String readme) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher block =
        Pattern.compile("(?ms)^<!-- snippet:(\\S+) -->\\n```java\\n(.*?)^```$").matcher(readme);
    while (block.find()) {
      out.put(block.group(1), dedent(block.group(2)));
    }
    return out;
  }

  private static String dedent(String text) {
    List<String> lines = new ArrayList<>(List.of(text.stripTrailing().split("\n", -1)));
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    lines.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
    return String.join("\n", lines);
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
