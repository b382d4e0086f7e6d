package dev.connectnative.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One client connection opened by a {@link Path}, handshake already complete.
 *
 * <p>Used by one thread at a time. {@link #close()} closes the connection the way the path's client
 * normally would (TLS close_notify included) and is idempotent.
 */
public interface Conn extends Closeable {
  /**
   * Bytes from the server.
   *
   * @return the stream; reading blocks until data, end of stream or an error
   */
  InputStream in();

  /**
   * Bytes to the server. Every {@code write} is sent without a separate flush.
   *
   * @return the stream
   */
  OutputStream out();

  /**
   * Closes the connection.
   *
   * @throws IOException if closing fails
   */
  @Override
  void close() throws IOException;
}
