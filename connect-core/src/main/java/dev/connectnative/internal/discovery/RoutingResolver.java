package dev.connectnative.internal.discovery;

import static java.util.Objects.requireNonNull;

import dev.connectnative.DialOptions;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The default resolver: a static address answers itself, a prepared query goes to the
 * prepared-query resolver, everything else to the health watches. Closing closes both.
 */
public final class RoutingResolver implements Resolver {
  private final Resolver health;
  private final Resolver preparedQueries;

  /**
   * Creates the router.
   *
   * @param health resolves service names
   * @param preparedQueries resolves prepared queries
   */
  public RoutingResolver(Resolver health, Resolver preparedQueries) {
    this.health = requireNonNull(health, "health");
    this.preparedQueries = requireNonNull(preparedQueries, "preparedQueries");
  }

  @Override
  public CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions options) {
    requireNonNull(name, "name");
    requireNonNull(options, "options");
    if (options.staticInstance().isPresent()) {
      return CompletableFuture.completedFuture(List.of(options.staticInstance().get()));
    }
    return options.preparedQuery()
        ? preparedQueries.resolve(name, options)
        : health.resolve(name, options);
  }

  @Override
  public void close() {
    try {
      health.close();
    } finally {
      preparedQueries.close();
    }
  }
}
