package dev.connectnative.testkit.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blocking query parameters parsed like Consul's {@code parseWait}: {@code 400 Invalid wait time}
 * for a wait without unit or unparsable, {@code 400 Invalid index} for a non-numeric index.
 *
 * @param index the client's index, 0 when absent (answer at once)
 * @param waitTime the requested wait, before Consul's cap and jitter
 */
public record Blocking(long index, Duration waitTime) {
  private static final Pattern PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

  /** Parses {@code index} and {@code wait} from a request. */
  public static Blocking parse(Request request) {
    Duration wait = AgentState.DEFAULT_WAIT;
    Optional<String> waitText = request.param("wait");
    if (waitText.isPresent()) {
      wait =
          parseGoDuration(waitText.get())
              .orElseThrow(() -> new ApiException(400, "Invalid wait time"));
    }
    long index = 0;
    Optional<String> indexText = request.param("index");
    if (indexText.isPresent()) {
      try {
        index = Long.parseUnsignedLong(indexText.get());
      } catch (NumberFormatException e) {
        throw new ApiException(400, "Invalid index");
      }
    }
    return new Blocking(index, wait);
  }

  /** Parses a Go duration ({@code 1500ms}, {@code 2m30s}); a bare number other than 0 fails. */
  public static Optional<Duration> parseGoDuration(String text) {
    String s = text;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if ("0".equals(s)) {
      return Optional.of(Duration.ZERO);
    }
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double nanos = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos || m.group(1).isEmpty() || ".".equals(m.group(1))) {
        return Optional.empty();
      }
      nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
      pos = m.end();
    }
    Duration d = Duration.ofNanos((long) nanos);
    return Optional.of(negative ? d.negated() : d);
  }

  private static double unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1;
      case "ms":
        return 1e6;
      case "s":
        return 1e9;
      case "m":
        return 60e9;
      case "h":
        return 3600e9;
      default:
        return 1e3;
    }
  }
}
