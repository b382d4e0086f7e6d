package dev.connectnative.testkit;

import java.util.Locale;

/** What an intention does with a matching connection. */
public enum IntentionAction {
  /** Let the connection through. */
  ALLOW,
  /** Refuse the connection. */
  DENY;

  /**
   * Returns the lowercase form Consul uses on the wire ({@code "allow"}, {@code "deny"}).
   *
   * @return the wire name
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
