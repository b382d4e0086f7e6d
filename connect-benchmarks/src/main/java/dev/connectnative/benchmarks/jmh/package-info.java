/**
 * JMH benchmarks for small hot paths. Each benchmark is one class here; {@code run.sh} runs them
 * all from {@code benchmarks.jar}.
 */
package dev.connectnative.benchmarks.jmh;
