package dev.connectnative.internal.spiffe;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.MeshGatewayIdentity;
import dev.connectnative.ServerIdentity;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.SpiffeId;
import dev.connectnative.TrustDomainIdentity;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict parser for the SPIFFE URIs Consul issues (the shapes of Consul's {@code
 * agent/connect/uri*.go}); keywords are matched on the raw segments, values are decoded.
 */
public final class SpiffeParser {
  private static final String SCHEME = "spiffe://";
  private static final int MAX_ECHO = 200;

  private SpiffeParser() {}

  /** Parses {@code uri}, see {@link SpiffeId#parse(String)}. */
  public static SpiffeId parse(String uri) {
    requireNonNull(uri, "uri");
    try {
      return parseChecked(uri);
    } catch (InvalidIdentityException e) {
      throw new InvalidIdentityException(
          "invalid SPIFFE ID \"" + echo(uri) + "\": " + e.getMessage(), e.getCause());
    }
  }

  private static SpiffeId parseChecked(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new InvalidIdentityException(
            "character at index "
                + i
                + " must be percent-encoded (whitespace, control or non-ASCII)");
      }
    }
    if (!uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new InvalidIdentityException("scheme must be spiffe://");
    }
    if (uri.indexOf('?') >= 0) {
      throw new InvalidIdentityException("a query is not allowed");
    }
    if (uri.indexOf('#') >= 0) {
      throw new InvalidIdentityException("a fragment is not allowed");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    if (authority.indexOf('@') >= 0) {
      throw new InvalidIdentityException("user information is not allowed");
    }
    if (authority.indexOf(':') >= 0) {
      throw new InvalidIdentityException("a port is not allowed");
    }
    if (authority.isEmpty()) {
      throw new InvalidIdentityException("trust domain is empty");
    }
    String trustDomain = Segments.trustDomain(authority);
    if (slash < 0) {
      return new TrustDomainIdentity(trustDomain);
    }
    return parsePath(trustDomain, rest.substring(slash + 1));
  }

  private static SpiffeId parsePath(String trustDomain, String path) {
    List<String> raw = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = path.indexOf('/', start);
      String segment = end < 0 ? path.substring(start) : path.substring(start, end);
      if (segment.isEmpty()) {
        throw new InvalidIdentityException("empty path segment");
      }
      raw.add(segment);
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    String partition = SpiffeId.DEFAULT_PARTITION;
    List<String> s = raw;
    boolean partitioned = raw.size() >= 2 && raw.get(0).equals("ap");
    if (partitioned) {
      partition = decode("partition", raw.get(1));
      s = raw.subList(2, raw.size());
    }
    if (shape(s, "ns", null, "dc", null, "svc", null)) {
      return new ServiceIdentity(
          trustDomain,
          partition,
          decode("namespace", s.get(1)),
          decode("datacenter", s.get(3)),
          decode("service name", s.get(5)));
    }
    if (shape(s, "agent", "client", "dc", null, "id", null)) {
      return new AgentIdentity(
          trustDomain, partition, decode("datacenter", s.get(3)), decode("node id", s.get(5)));
    }
    if (!partitioned && shape(s, "agent", "server", "dc", null)) {
      return new ServerIdentity(trustDomain, decode("datacenter", s.get(3)));
    }
    if (shape(s, "gateway", "mesh", "dc", null)) {
      return new MeshGatewayIdentity(trustDomain, partition, decode("datacenter", s.get(3)));
    }
    throw new InvalidIdentityException(
        "path is not a Consul identity (expected [/ap/<partition>]/ns/<ns>/dc/<dc>/svc/<name>,"
            + " [/ap/<partition>]/agent/client/dc/<dc>/id/<node>, /agent/server/dc/<dc>"
            + " or [/ap/<partition>]/gateway/mesh/dc/<dc>)");
  }

  /** Matches segments against a pattern where {@code null} stands for any value. */
  private static boolean shape(List<String> segments, String... pattern) {
    if (segments.size() != pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i] != null && !pattern[i].equals(segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String decode(String what, String raw) {
    if (raw.indexOf('%') < 0) {
      return unescaped(what, raw);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new InvalidIdentityException(what + " has a truncated percent-escape");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidIdentityException(what + " has an invalid percent-escape");
        }
        bytes.write((hi << 4) | lo);
        i += 2;
      } else if (Segments.isPathChar(c)) {
        bytes.write(c);
      } else {
        throw new InvalidIdentityException(what + " holds the character '" + c + "' unencoded");
      }
    }
    String decoded;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidIdentityException(what + " is not valid UTF-8 once decoded", e);
    }
    return Segments.segment(what, decoded);
  }

  /** A segment without percent-escapes is its own decoding once every character is a pchar. */
  private static String unescaped(String what, String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (!Segments.isPathChar(c)) {
        throw new InvalidIdentityException(what + " holds the character '" + c + "' unencoded");
      }
    }
    return Segments.segment(what, raw);
  }

  private static String echo(String uri) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(uri.length(), MAX_ECHO); i++) {
      char c = uri.charAt(i);
      out.append(c < ' ' || c == 0x7f ? '?' : c);
    }
    return uri.length() <= MAX_ECHO ? out.toString() : out + "...";
  }
}
