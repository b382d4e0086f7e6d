/**
 * Loopback benchmarks for connectnative: a whole-connection harness ({@link
 * dev.connectnative.benchmarks.LoopbackHarness}) that compares transport {@link
 * dev.connectnative.benchmarks.Path paths} (plain TCP, bare mTLS per provider, Netty, sidecar
 * chains) under the same interleaved workloads, and JMH benchmarks for small hot paths.
 *
 * <p>Nothing here is published or part of the library's API.
 */
package dev.connectnative.benchmarks;
