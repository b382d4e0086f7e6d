package dev.connectnative.internal.http;

import dev.connectnative.DialOptions;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers fixed instances per name (none for other names) and records every lookup. */
final class MapResolver implements Resolver {
  final List<String> lookups = new CopyOnWriteArrayList<>();
  final List<DialOptions> options = new CopyOnWriteArrayList<>();
  private final Map<String, List<ServiceInstance>> instances = new ConcurrentHashMap<>();

  MapResolver put(String name, ServiceInstance... found) {
    instances.put(name, List.of(found));
    return this;
  }

  @Override
  public CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions dial) {
    lookups.add(name);
    options.add(dial);
    return CompletableFuture.completedFuture(instances.getOrDefault(name, List.of()));
  }

  static ServiceInstance at(String service, int port) {
    return ServiceInstance.of(service, "dc1", "127.0.0.1", port);
  }
}
