package dev.connectnative.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseWriterTest {
  private final ResponseWriter writer =
      new ResponseWriter(Clock.fixed(Instant.parse("2026-11-21T09:30:32Z"), ZoneOffset.UTC));

  @Test
  void bodiesUpTo2048BytesGetContentLengthAndLargerOnesOneChunk() throws Exception {
    assertThat(written(body(2048), false))
        .endsWith(
            "Date: Sat, 21 Nov 2026 09:30:32 GMT\r\nContent-Length: 2048\r\n\r\n"
                + "x".repeat(2048));
    assertThat(written(body(2049), false))
        .endsWith(
            "Date: Sat, 21 Nov 2026 09:30:32 GMT\r\nTransfer-Encoding: chunked\r\n\r\n801\r\n"
                + "x".repeat(2049)
                + "\r\n0\r\n\r\n");
    assertThat(written(body(2049), true)).contains("Content-Length: 2049\r\n");
  }

  @Test
  void sortsHandlerHeadersByNameThenAppendsGosExtraHeaders() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Consul-Index", "7");
    headers.put("Vary", "Accept-Encoding");
    headers.put("Age", "3");
    Reply reply = new Reply(599, headers, "nope".getBytes(StandardCharsets.UTF_8));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, reply, false, "close");

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "HTTP/1.1 599 status code 599\r\n"
                + "Age: 3\r\n"
                + "Vary: Accept-Encoding\r\n"
                + "X-Consul-Index: 7\r\n"
                + "Date: Sat, 21 Nov 2026 09:30:32 GMT\r\n"
                + "Content-Length: 4\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "nope");
  }

  @Test
  void truncatedAnswersAnnounceTheWholeBodyAndCarryHalf() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.writeTruncated(out, body(4000));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("Content-Length: 4000\r\n").doesNotContain("Transfer-Encoding");
    assertThat(text.substring(text.indexOf("\r\n\r\n") + 4)).isEqualTo("x".repeat(2000));
  }

  private String written(Reply reply, boolean http10) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, reply, http10, "");
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Reply body(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return new Reply(200, Map.of("Content-Type", "application/json"), bytes);
  }
}
