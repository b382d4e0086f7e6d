package dev.connectnative.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One way for a client to reach a server over loopback: plain TCP, a TLS stack, a sidecar chain, or
 * connectnative. The harness runs the same workloads over every path.
 *
 * <p>The server side must speak {@link Protocol} (use {@link BlockingServer} or {@link
 * NettyProtocolHandler}). A path is started once, used from several client threads at the same time
 * through {@link #connect()}, and closed once; {@link #close()} stops every thread and process the
 * path started and is idempotent.
 *
 * <p>To add a path: implement this interface and register it in {@link Paths#all}.
 */
public interface Path extends AutoCloseable {
  /**
   * The short name shown in the results table, e.g. {@code "JDK SSLSocket mTLS"}.
   *
   * @return the name
   */
  String name();

  /**
   * Starts the server side (and any helper processes) on ephemeral loopback ports.
   *
   * @return the address clients connect to
   * @throws Exception if the path cannot be started; the harness then skips it with the message
   */
  InetSocketAddress start() throws Exception;

  /**
   * Opens a new client connection to the started path and completes the handshake (a full one
   * unless the path is about resumed sessions). Thread-safe.
   *
   * @return the open connection
   * @throws IOException if connecting or the handshake fails
   */
  Conn connect() throws IOException;

  /**
   * Whether this path is measured with the bulk workload. Paths that differ from another only in
   * how connections are set up (resumed sessions) return {@code false}.
   *
   * @return {@code true} unless overridden
   */
  default boolean bulk() {
    return true;
  }

  /**
   * Operating system process ids of helper processes whose CPU time is charged to this path.
   *
   * @return the pids; empty unless overridden
   */
  default List<Long> helperPids() {
    return List.of();
  }

  /** Stops the server side, client resources and helper processes. */
  @Override
  void close();
}
