package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.servlet.IntentionRequest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code Header} entry of an L7 permission, matched the way Envoy's header matcher does: all
 * values of the header are joined with {@code ","}, an absent header matches only an inverted
 * {@code Present} rule, and {@code Invert} flips the result for a present header.
 *
 * @param name the header name, lower case (pseudo-headers such as {@code :authority} allowed)
 * @param kind how the value is compared
 * @param value the expected value, prefix or suffix; empty for {@code PRESENT} and {@code REGEX}
 * @param regex the compiled pattern for {@code REGEX}, else {@code null}
 * @param invert whether the result is inverted
 */
public record HeaderRule(String name, Kind kind, String value, Pattern regex, boolean invert) {

  /** The comparison of one header rule. */
  public enum Kind {
    PRESENT,
    EXACT,
    PREFIX,
    SUFFIX,
    REGEX
  }

  public HeaderRule {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    requireNonNull(value, "value");
    if ((kind == Kind.REGEX) != (regex != null)) {
      throw new IllegalArgumentException("a regex is required for, and only for, REGEX rules");
    }
  }

  /** Tells whether the request satisfies this rule. */
  public boolean matches(IntentionRequest request) {
    List<String> values = request.headerValues(name);
    if (values.isEmpty()) {
      return invert && kind == Kind.PRESENT;
    }
    String joined = String.join(",", values);
    boolean match =
        switch (kind) {
          case PRESENT -> true;
          case EXACT -> joined.equals(value);
          case PREFIX -> joined.startsWith(value);
          case SUFFIX -> joined.endsWith(value);
          case REGEX -> regex.matcher(joined).matches();
        };
    return match != invert;
  }

  /** Describes the rule as the config entry writes it, e.g. {@code x-env Exact "prod"}. */
  @Override
  public String toString() {
    String described =
        switch (kind) {
          case PRESENT -> name + " Present";
          case REGEX -> name + " Regex \"" + regex.pattern() + "\"";
          default ->
              name
                  + " "
                  + kind.name().charAt(0)
                  + kind.name().substring(1).toLowerCase(Locale.ROOT)
                  + " \""
                  + value
                  + "\"";
        };
    return invert ? described + " (inverted)" : described;
  }
}
