package dev.connectnative;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the instances of a service to dial.
 *
 * <p>The default resolver of a {@code ConnectService} follows {@code GET
 * /v1/health/connect/<service>?passing} with a blocking query shared by every dial of the same
 * (service, datacenter, namespace, partition, filter): once the first answer is in, a dial makes no
 * agent call. A watch no dial has used for a while (10 minutes by default) is stopped and started
 * again on the next dial. Prepared queries ({@link DialOptions#preparedQuery()}) are executed with
 * {@code ?connect=true}; a static address ({@link DialOptions#staticInstance()}) needs no agent.
 *
 * <p>Implementations are thread-safe and must not block the calling thread.
 */
public interface Resolver extends AutoCloseable {

  /**
   * Finds the instances of {@code name}.
   *
   * @param name the service name, or a prepared query's name or ID when {@link
   *     DialOptions#preparedQuery()} is set
   * @param options where to look
   * @return a future completed with the healthy instances (possibly none), or exceptionally with a
   *     {@link ConnectException} (an {@link AgentException} when the agent failed) when the
   *     instances cannot be known
   */
  CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions options);

  /**
   * Returns a resolver that always answers {@code instances}, whatever the name: for tests and for
   * setups without discovery.
   *
   * @param instances the instances to answer
   * @return the resolver
   */
  static Resolver of(List<ServiceInstance> instances) {
    List<ServiceInstance> copy = List.copyOf(instances);
    return (name, options) -> CompletableFuture.completedFuture(copy);
  }

  /** Releases what the resolver holds (watches, threads). Idempotent. The default does nothing. */
  @Override
  default void close() {}
}
