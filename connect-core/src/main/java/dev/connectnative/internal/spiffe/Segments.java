package dev.connectnative.internal.spiffe;

import dev.connectnative.InvalidIdentityException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Validation and percent-encoding of the parts of a SPIFFE URI. */
public final class Segments {
  private static final String HEX = "0123456789ABCDEF";

  private Segments() {}

  /**
   * Checks a trust domain and returns it in lower case.
   *
   * @throws InvalidIdentityException if it is empty or holds a character a DNS-like trust domain
   *     cannot hold
   */
  public static String trustDomain(String trustDomain) {
    if (trustDomain == null) {
      throw new InvalidIdentityException("trust domain is missing");
    }
    if (trustDomain.isEmpty()) {
      throw new InvalidIdentityException("trust domain is empty");
    }
    String lower = trustDomain.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!ok) {
        throw new InvalidIdentityException(
            "trust domain \""
                + trustDomain
                + "\" holds the character '"
                + c
                + "' (allowed: letters, digits, '.', '-', '_')");
      }
    }
    return lower;
  }

  /**
   * Checks one decoded path segment (a name, namespace, datacenter, partition or node id).
   *
   * @param what what the segment is, for the message, e.g. {@code service name}
   * @throws InvalidIdentityException if it is null, empty, holds '/' or a control character
   */
  public static String segment(String what, String value) {
    if (value == null) {
      throw new InvalidIdentityException(what + " is missing");
    }
    if (value.isEmpty()) {
      throw new InvalidIdentityException(what + " is empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/') {
        throw new InvalidIdentityException(what + " \"" + value + "\" must not contain '/'");
      }
      if (Character.isISOControl(c)) {
        throw new InvalidIdentityException(what + " must not contain control characters");
      }
    }
    return value;
  }

  /** Percent-encodes a decoded segment so that it is a valid RFC 3986 path segment. */
  public static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isPathChar(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      }
    }
    return out.toString();
  }

  /** Tells whether an ASCII character may appear unencoded in a path segment (RFC 3986 pchar). */
  static boolean isPathChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
  }
}
