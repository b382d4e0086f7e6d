package dev.connectnative.internal.discovery;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentConfig;
import dev.connectnative.DialOptions;
import java.util.function.Supplier;

/**
 * Where a lookup runs: the explicit dial options, else the agent configuration, else Consul's
 * defaults; the local datacenter is asked for lazily (it is the datacenter of our own leaf).
 */
final class Scope {
  private final AgentConfig config;
  private final Supplier<String> localDatacenter;

  Scope(AgentConfig config, Supplier<String> localDatacenter) {
    this.config = requireNonNull(config, "config");
    this.localDatacenter = requireNonNull(localDatacenter, "localDatacenter");
  }

  String namespace(DialOptions options) {
    return options.namespace().or(config::namespace).orElse("default");
  }

  String partition(DialOptions options) {
    return options.partition().or(config::partition).orElse("default");
  }

  /** The namespace parameter to send, or {@code null} to let the agent apply its own. */
  String namespaceParam(DialOptions options) {
    return options.namespace().orElse(null);
  }

  /** The partition parameter to send, or {@code null} to let the agent apply its own. */
  String partitionParam(DialOptions options) {
    return options.partition().orElse(null);
  }

  String datacenter(DialOptions options) {
    return options.datacenter().orElseGet(localDatacenter);
  }
}
