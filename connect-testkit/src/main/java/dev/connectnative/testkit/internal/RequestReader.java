package dev.connectnative.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads HTTP/1.x requests from a connection: request line, headers, and a body framed by {@code
 * Content-Length} or {@code Transfer-Encoding: chunked}. Answers {@code Expect: 100-continue}
 * before reading the body, as Go's server does.
 */
public final class RequestReader {
  /** Go's default limit on the request line plus headers. */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /** Refuses bodies above this size instead of buffering them. */
  static final int MAX_BODY_BYTES = 64 << 20;

  private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * One request as read from the wire.
   *
   * @param request the parsed request
   * @param http10 whether the client spoke HTTP/1.0
   * @param keepAlive whether the client wants the connection kept open after the answer
   */
  public record Incoming(Request request, boolean http10, boolean keepAlive) {}

  private final InputStream in;
  private final OutputStream out;
  private int headerBytes;

  /** Reads from {@code in}; {@code out} receives {@code 100 Continue} interim answers. */
  public RequestReader(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /**
   * Reads the next request.
   *
   * @return the request, or empty when the client closed the connection between requests
   * @throws BadRequest if the request is malformed
   * @throws IOException if the connection fails or closes mid-request
   */
  public Optional<Incoming> next() throws IOException, BadRequest {
    headerBytes = 0;
    String line = readLine(true);
    while (line != null && line.isEmpty()) {
      line = readLine(true);
    }
    if (line == null) {
      return Optional.empty();
    }
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
      throw BadRequest.of("");
    }
    boolean http10 = version(parts[2]);
    Map<String, String> headers = readHeaders();
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean keepAlive =
        http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
    if (!http10 && !headers.containsKey("host")) {
      throw BadRequest.of("missing required Host header");
    }
    URI target = target(parts[1]);
    byte[] body = readBody(headers, http10);
    String rawQuery = target.getRawQuery();
    Request request =
        new Request(
            parts[0],
            target.getPath(),
            rawQuery == null ? "" : rawQuery,
            Request.parseQuery(rawQuery),
            headers,
            body);
    return Optional.of(new Incoming(request, http10, keepAlive));
  }

  private static boolean version(String text) throws BadRequest {
    if ("HTTP/1.1".equals(text)) {
      return false;
    }
    if ("HTTP/1.0".equals(text)) {
      return true;
    }
    if (text.matches("HTTP/[0-9]\\.[0-9]")) {
      throw new BadRequest(505, "505 HTTP Version Not Supported: unsupported protocol version");
    }
    throw BadRequest.of("malformed HTTP version \"" + text + "\"");
  }

  private static URI target(String text) throws BadRequest {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw BadRequest.of("");
    }
    boolean origin = text.startsWith("/") && uri.getRawAuthority() == null;
    boolean absolute =
        ("http".equalsIgnoreCase(uri.getScheme()) && uri.getRawAuthority() != null)
            && uri.getRawPath() != null;
    if (!origin && !absolute) {
      throw BadRequest.of("");
    }
    if (absolute && uri.getRawPath().isEmpty()) {
      return URI.create("/" + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }
    return uri;
  }

  private Map<String, String> readHeaders() throws IOException, BadRequest {
    Map<String, String> headers = new HashMap<>();
    for (String line = readLine(false); !line.isEmpty(); line = readLine(false)) {
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        throw BadRequest.of("malformed MIME header line: " + line);
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if ("content-length".equals(name)
          && headers.containsKey(name)
          && !headers.get(name).equals(value)) {
        throw BadRequest.of("");
      }
      headers.putIfAbsent(name, value);
    }
    return headers;
  }

  private byte[] readBody(Map<String, String> headers, boolean http10)
      throws IOException, BadRequest {
    String encoding = headers.get("transfer-encoding");
    String length = headers.get("content-length");
    boolean chunked = encoding != null && !http10;
    if (chunked && !"chunked".equalsIgnoreCase(encoding)) {
      throw new BadRequest(501, "501 Not Implemented: unsupported transfer encoding");
    }
    long size = 0;
    if (!chunked && length != null) {
      if (!length.matches("[0-9]{1,18}")) {
        throw BadRequest.of("bad Content-Length");
      }
      size = Long.parseLong(length);
      if (size > MAX_BODY_BYTES) {
        throw new BadRequest(413, "413 Request Entity Too Large");
      }
    }
    if (!chunked && size == 0) {
      return new byte[0];
    }
    if (!http10 && "100-continue".equalsIgnoreCase(headers.getOrDefault("expect", ""))) {
      out.write(CONTINUE);
      out.flush();
    }
    return chunked ? readChunked() : readFully((int) size);
  }

  private byte[] readChunked() throws IOException, BadRequest {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = readLine(false);
      int ext = line.indexOf(';');
      String hex = (ext < 0 ? line : line.substring(0, ext)).strip();
      if (!hex.matches("[0-9a-fA-F]{1,8}")) {
        throw BadRequest.of("malformed chunk size");
      }
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        break;
      }
      if (body.size() + size > MAX_BODY_BYTES) {
        throw new BadRequest(413, "413 Request Entity Too Large");
      }
      body.write(readFully((int) size));
      if (!readLine(false).isEmpty()) {
        throw BadRequest.of("malformed chunked encoding");
      }
    }
    String trailer = readLine(false);
    while (!trailer.isEmpty()) {
      trailer = readLine(false);
    }
    return body.toByteArray();
  }

  private byte[] readFully(int size) throws IOException {
    byte[] bytes = in.readNBytes(size);
    if (bytes.length < size) {
      throw new EOFException("connection closed after " + bytes.length + " of " + size + " bytes");
    }
    return bytes;
  }

  /**
   * Reads one line ending in LF (an optional CR before it is dropped). Returns null on a clean end
   * of stream before any byte when {@code eofAllowed}.
   */
  private String readLine(boolean eofAllowed) throws IOException, BadRequest {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (eofAllowed && line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed mid-request");
      }
      if (++headerBytes > MAX_HEADER_BYTES) {
        throw new BadRequest(431, "431 Request Header Fields Too Large");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || TOKEN_CHARS.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasToken(String list, String token) {
    for (String part : list.split(",")) {
      if (part.strip().equals(token)) {
        return true;
      }
    }
    return false;
  }
}
