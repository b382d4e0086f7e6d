package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.servlet.IntentionRequest;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code HTTP} block of an L7 permission. Every part that is set must match (a logical AND):
 * the path (exact, prefix or full-regex match of the URL path without query), the method (one of
 * {@code methods}, case-sensitive) and each header rule. A block with no part at all is rejected by
 * the parser, as Consul rejects it.
 *
 * @param pathKind how the path is compared, or {@code null} when the block names no path
 * @param path the exact path or prefix; the regex source for {@code REGEX}
 * @param pathRegex the compiled path regex for {@code REGEX}, else {@code null}
 * @param methods the allowed methods in upper case; empty means any
 * @param headers header rules, all of which must match
 */
public record HttpRule(
    PathKind pathKind,
    String path,
    Pattern pathRegex,
    Set<String> methods,
    List<HeaderRule> headers) {

  /** The path comparison of an HTTP rule. */
  public enum PathKind {
    EXACT,
    PREFIX,
    REGEX
  }

  public HttpRule {
    methods = Set.copyOf(requireNonNull(methods, "methods"));
    headers = List.copyOf(requireNonNull(headers, "headers"));
    if ((pathKind == PathKind.REGEX) != (pathRegex != null)) {
      throw new IllegalArgumentException("a regex is required for, and only for, REGEX paths");
    }
    if ((pathKind == null) != (path == null)) {
      throw new IllegalArgumentException("a path kind needs a path and vice versa");
    }
  }

  /** Tells whether the request satisfies every part of this block. */
  public boolean matches(IntentionRequest request) {
    if (pathKind != null) {
      boolean pathMatches =
          switch (pathKind) {
            case EXACT -> request.path().equals(path);
            case PREFIX -> request.path().startsWith(path);
            case REGEX -> pathRegex.matcher(request.path()).matches();
          };
      if (!pathMatches) {
        return false;
      }
    }
    if (!methods.isEmpty() && !methods.contains(request.method())) {
      return false;
    }
    for (HeaderRule header : headers) {
      if (!header.matches(request)) {
        return false;
      }
    }
    return true;
  }
}
