package dev.connectnative.servlet.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path L7 intentions are matched against: the request URI as sent (percent-encoding kept, no
 * query) with {@code .} and {@code ..} segments removed per RFC 3986, so that {@code
 * /public/../admin} is judged as the {@code /admin} the container will actually serve.
 */
public final class RequestPaths {
  private RequestPaths() {}

  /** Removes dot segments from an absolute path; the result always starts with {@code /}. */
  public static String normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String[] segments = rawPath.split("/", -1);
    Deque<String> out = new ArrayDeque<>();
    boolean trailingSlash = false;
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      String bare = stripParameters(segment);
      boolean last = i == segments.length - 1;
      if (bare.equals(".")) {
        trailingSlash = last;
      } else if (bare.equals("..")) {
        out.pollLast();
        trailingSlash = last;
      } else {
        out.addLast(segment);
        trailingSlash = false;
      }
    }
    String joined = "/" + String.join("/", out);
    return trailingSlash && !joined.endsWith("/") ? joined + "/" : joined;
  }

  private static String stripParameters(String segment) {
    int semicolon = segment.indexOf(';');
    return semicolon < 0 ? segment : segment.substring(0, semicolon);
  }
}
