package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

/**
 * One entry of a source's {@code Permissions}: an action and the HTTP request it applies to.
 *
 * @param allow {@code true} for {@code "allow"}, {@code false} for {@code "deny"}
 * @param http the request match
 */
public record PermissionRule(boolean allow, HttpRule http) {
  public PermissionRule {
    requireNonNull(http, "http");
  }
}
