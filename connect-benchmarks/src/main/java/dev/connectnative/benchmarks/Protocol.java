package dev.connectnative.benchmarks;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The tiny request/response protocol every benchmark server speaks.
 *
 * <p>A request is a 9-byte header, one mode byte and a big-endian 64-bit length {@code n}, followed
 * by {@code n} bytes. Mode {@link #ECHO} ({@code n} at most {@link #MAX_ECHO}): the server writes
 * the {@code n} bytes back. Mode {@link #SINK}: the server discards them and answers with the
 * 8-byte count it received. Requests repeat until the client closes.
 */
final class Protocol {
  static final byte ECHO = 'E';
  static final byte SINK = 'S';
  static final int HEADER = 9;
  static final int MAX_ECHO = 1 << 20;
  static final int CHUNK = 64 * 1024;

  private Protocol() {}

  static byte[] header(byte mode, long length) {
    return ByteBuffer.allocate(HEADER).put(mode).putLong(length).array();
  }

  /** Client: sends {@code payload} in one write and checks that the same bytes come back. */
  static void echo(Conn conn, byte[] payload) throws IOException {
    byte[] request =
        ByteBuffer.allocate(HEADER + payload.length)
            .put(ECHO)
            .putLong(payload.length)
            .put(payload)
            .array();
    conn.out().write(request);
    byte[] answer = new byte[payload.length];
    new DataInputStream(conn.in()).readFully(answer);
    if (!Arrays.equals(answer, payload)) {
      throw new IOException("echo answered different bytes than were sent");
    }
  }

  /** Client: streams {@code total} bytes of {@code chunk} and checks the server's count. */
  static void sink(Conn conn, long total, byte[] chunk) throws IOException {
    OutputStream out = conn.out();
    out.write(header(SINK, total));
    long left = total;
    while (left > 0) {
      int n = (int) Math.min(left, chunk.length);
      out.write(chunk, 0, n);
      left -= n;
    }
    long counted = new DataInputStream(conn.in()).readLong();
    if (counted != total) {
      throw new IOException("server counted " + counted + " bytes, " + total + " were sent");
    }
  }

  /** Server: answers requests from {@code in} until the client closes. */
  static void serve(InputStream rawIn, OutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(rawIn);
    byte[] buffer = new byte[CHUNK];
    while (true) {
      int mode = in.read();
      if (mode < 0) {
        return;
      }
      long length = in.readLong();
      if (mode == ECHO && length >= 0 && length <= MAX_ECHO) {
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        out.write(payload);
      } else if (mode == SINK && length >= 0) {
        long left = length;
        while (left > 0) {
          int n = in.read(buffer, 0, (int) Math.min(left, buffer.length));
          if (n < 0) {
            throw new EOFException("client closed " + left + " bytes before the end of a sink");
          }
          left -= n;
        }
        out.write(ByteBuffer.allocate(Long.BYTES).putLong(length).array());
      } else {
        throw new IOException("bad request header: mode " + mode + ", length " + length);
      }
      out.flush();
    }
  }
}
