package dev.connectnative.internal.discovery;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.connectnative.DialOptions;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.PreparedQueryResult;
import dev.connectnative.internal.agent.QueryOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Resolves prepared queries ({@code GET /v1/query/<name-or-id>/execute?connect=true}). Prepared
 * queries have no blocking form, so each answer is reused for {@code ttl} (concurrent dials share
 * one call); an instance's datacenter is the one that answered, which differs from the local one
 * after a failover.
 */
public final class PreparedQueryResolver implements Resolver {
  /** Default time an answer is reused: 5 seconds. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

  private final AgentClient agent;
  private final Scope scope;
  private final AsyncLoadingCache<String, List<ServiceInstance>> answers;

  /**
   * Creates the resolver.
   *
   * @param agent the agent client, owned by the caller
   * @param localDatacenter the local datacenter, for answers that name none
   * @param ttl how long an answer is reused
   * @param ticker the time source of the ttl
   * @param executor runs cache maintenance
   */
  public PreparedQueryResolver(
      AgentClient agent,
      Supplier<String> localDatacenter,
      Duration ttl,
      Ticker ticker,
      Executor executor) {
    this.agent = requireNonNull(agent, "agent");
    this.scope = new Scope(agent.config(), localDatacenter);
    this.answers =
        Caffeine.newBuilder()
            .expireAfterWrite(requireNonNull(ttl, "ttl"))
            .ticker(requireNonNull(ticker, "ticker"))
            .executor(requireNonNull(executor, "executor"))
            .maximumSize(1_000)
            .buildAsync((query, ignored) -> execute(query));
  }

  @Override
  public CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions options) {
    requireNonNull(name, "name");
    requireNonNull(options, "options");
    return answers.get(name).copy();
  }

  private CompletableFuture<List<ServiceInstance>> execute(String query) {
    return agent
        .executePreparedQueryCall(query, QueryOptions.NONE)
        .executeAsync()
        .thenApply(answer -> convert(answer.value()));
  }

  private List<ServiceInstance> convert(PreparedQueryResult result) {
    String dc =
        result.datacenter().isEmpty()
            ? scope.datacenter(DialOptions.DEFAULTS)
            : result.datacenter();
    return Instances.from(
        result.nodes(),
        scope.namespace(DialOptions.DEFAULTS),
        scope.partition(DialOptions.DEFAULTS),
        dc);
  }

  @Override
  public void close() {
    answers.synchronous().invalidateAll();
  }
}
