package dev.connectnative.benchmarks;

/** A TLS path that can tell how many handshakes were full ones, so tests can prove resumption. */
interface CountsHandshakes {
  /**
   * Handshakes so far in which the server verified a client certificate chain: the full ones (a
   * resumed session presents no certificate).
   */
  long fullHandshakes();
}
