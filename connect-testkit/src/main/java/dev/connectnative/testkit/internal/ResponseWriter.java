package dev.connectnative.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes answers byte for byte the way Go's {@code net/http} server does for Consul: the handler's
 * headers sorted by name, then {@code Date}, {@code Content-Length}, a sniffed {@code
 * Content-Type}, {@code Connection} and {@code Transfer-Encoding}. Bodies above {@value
 * #CHUNKED_ABOVE} bytes go out chunked (Go's response buffer size).
 */
public final class ResponseWriter {
  /** Bodies longer than this are sent with {@code Transfer-Encoding: chunked}. */
  public static final int CHUNKED_ABOVE = 2048;

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final String SNIFFED_TEXT = "text/plain; charset=utf-8";
  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(200, "OK"),
          Map.entry(201, "Created"),
          Map.entry(204, "No Content"),
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(409, "Conflict"),
          Map.entry(413, "Request Entity Too Large"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(431, "Request Header Fields Too Large"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"),
          Map.entry(505, "HTTP Version Not Supported"));

  private final Clock clock;

  /** Creates a writer stamping {@code Date} from {@code clock}. */
  public ResponseWriter(Clock clock) {
    this.clock = clock;
  }

  /**
   * Writes a whole answer and flushes.
   *
   * @param out the connection
   * @param reply the answer
   * @param http10 whether the client spoke HTTP/1.0 (never chunked then)
   * @param connection the {@code Connection} header value, or {@code ""} for none
   */
  public void write(OutputStream out, Reply reply, boolean http10, String connection)
      throws IOException {
    byte[] body = reply.body();
    boolean chunked = body.length > CHUNKED_ABOVE && !http10;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(body.length + 512);
    head(buffer, reply, chunked, connection);
    if (chunked) {
      buffer.write(ascii(Integer.toHexString(body.length) + "\r\n"));
      buffer.write(body);
      buffer.write(ascii("\r\n0\r\n\r\n"));
    } else {
      buffer.write(body);
    }
    buffer.writeTo(out);
    out.flush();
  }

  /**
   * Writes the head of an answer announcing the full {@code Content-Length} and the first half of
   * its body, then flushes; the caller resets the connection.
   *
   * @param out the connection
   * @param reply the answer to cut short
   */
  public void writeTruncated(OutputStream out, Reply reply) throws IOException {
    byte[] body = reply.body();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(body.length + 512);
    head(buffer, reply, false, "");
    buffer.write(body, 0, body.length / 2);
    buffer.writeTo(out);
    out.flush();
  }

  /**
   * Writes Go's answer to a request it could not parse (status line, {@code Content-Type}, {@code
   * Connection: close}, the text) and flushes; the caller closes the connection.
   *
   * @param out the connection
   * @param refusal what was wrong
   */
  public static void writeRefusal(OutputStream out, BadRequest refusal) throws IOException {
    String text = refusal.getMessage();
    out.write(
        ascii(
            "HTTP/1.1 "
                + refusal.status()
                + " "
                + reason(refusal.status())
                + "\r\nContent-Type: "
                + SNIFFED_TEXT
                + "\r\nConnection: close\r\n\r\n"));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void head(ByteArrayOutputStream buffer, Reply reply, boolean chunked, String connection)
      throws IOException {
    StringBuilder head = new StringBuilder(512);
    head.append("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status()));
    head.append("\r\n");
    Map<String, String> sorted = new TreeMap<>(reply.headers());
    sorted.forEach((name, value) -> line(head, name, value));
    line(head, "Date", HTTP_DATE.format(clock.instant()));
    if (!chunked) {
      line(head, "Content-Length", Integer.toString(reply.body().length));
    }
    if (!sorted.containsKey("Content-Type") && reply.body().length > 0) {
      line(head, "Content-Type", SNIFFED_TEXT);
    }
    if (!connection.isEmpty()) {
      line(head, "Connection", connection);
    }
    if (chunked) {
      line(head, "Transfer-Encoding", "chunked");
    }
    head.append("\r\n");
    buffer.write(head.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void line(StringBuilder head, String name, String value) {
    head.append(name).append(": ").append(value).append("\r\n");
  }

  private static String reason(int status) {
    String reason = REASONS.get(status);
    return reason != null ? reason : "status code " + status;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
