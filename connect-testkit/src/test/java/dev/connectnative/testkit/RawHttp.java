package dev.connectnative.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A byte-level HTTP/1.1 client for tests that must see header names as sent (case and order) and
 * the body framing, which higher-level clients normalise away. One connection per instance.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port) throws IOException {
    this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(30_000);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** One response as it came over the wire. */
  record Response(
      String statusLine, List<Map.Entry<String, String>> headers, byte[] body, String framing) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }

    List<String> names() {
      return headers.stream().map(Map.Entry::getKey).toList();
    }

    Optional<String> header(String name) {
      return headers.stream()
          .filter(h -> h.getKey().equalsIgnoreCase(name))
          .map(Map.Entry::getValue)
          .findFirst();
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends a request the way curl does (Host, User-Agent, Accept, then the given headers). */
  static Response exchange(
      int port, String method, String target, Map<String, String> headers, String body) {
    try (RawHttp http = new RawHttp(port)) {
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      request.append("User-Agent: curl/7.81.0\r\nAccept: */*\r\n");
      headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0) {
        request.append("Content-Length: ").append(bytes.length).append("\r\n");
      }
      request.append("\r\n");
      http.send(request.toString());
      http.out.write(bytes);
      return http.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * Reads one response; the framing is {@code "length"}, {@code "chunked"}, {@code "close"} or, for
   * an interim 1xx answer, {@code "none"}.
   */
  Response read() throws IOException {
    Response head = readHead();
    if (head.status() < 200) {
      return head;
    }
    List<Map.Entry<String, String>> headers = head.headers();
    Optional<String> length = head.header("Content-Length");
    if (head.header("Transfer-Encoding").map("chunked"::equals).orElse(false)) {
      return new Response(head.statusLine(), headers, chunked(), "chunked");
    }
    if (length.isPresent()) {
      return new Response(
          head.statusLine(), headers, exactly(Integer.parseInt(length.get())), "length");
    }
    return new Response(head.statusLine(), headers, in.readAllBytes(), "close");
  }

  /** Reads the status line and headers only. */
  Response readHead() throws IOException {
    String statusLine = line();
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
    }
    return new Response(statusLine, List.copyOf(headers), new byte[0], "none");
  }

  /** Reads until the server closes; -1 from the first read means an orderly close. */
  int readByte() throws IOException {
    return in.read();
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line();
      if (!size.matches("[0-9a-f]+")) {
        throw new IOException("bad chunk size line: " + size);
      }
      int n = Integer.parseInt(size, 16);
      if (n == 0) {
        if (!line().isEmpty()) {
          throw new IOException("trailers after the last chunk");
        }
        return body.toByteArray();
      }
      body.write(exactly(n));
      if (!line().isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  byte[] exactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("got " + bytes.length + " of " + n + " body bytes");
    }
    return bytes;
  }

  /** Reads a CRLF-terminated line; a bare LF is a framing error. */
  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed mid-line: " + line);
      }
      if (b == '\n') {
        if (previous != '\r') {
          throw new IOException("line without CR: " + line);
        }
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      previous = b;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
