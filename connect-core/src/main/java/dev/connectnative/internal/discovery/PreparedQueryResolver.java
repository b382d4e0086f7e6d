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
 * Resolves prepared queries ({@code GET /v1/query/<name-or-id>/execute?connect=true}, with {@code
 * &dc=<dc>} when the dial names a datacenter, e.g. {@code geo.query.dc2.consul}). Prepared queries
 * have no blocking form, so each answer is reused for {@code ttl} per query and datacenter
 * (concurrent dials share one call). An instance's datacenter is the answer's {@code Datacenter}:
 * the one that ran the query, which differs from the one asked after a failover; when the answer
 * names none, the datacenter asked (else the local one) is assumed.
 */
public final class PreparedQueryResolver implements Resolver {
  /** Default time an answer is reused: 5 seconds. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

  private final AgentClient agent;
  private final Scope scope;
  private final AsyncLoadingCache<Key, List<ServiceInstance>> answers;

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
            .buildAsync((key, ignored) -> execute(key));
  }

  @Override
  public CompletableFuture<List<ServiceInstance>> resolve(String name, DialOptions options) {
    requireNonNull(name, "name");
    requireNonNull(options, "options");
    return answers.get(new Key(name, options.datacenter().orElse(null))).copy();
  }

  private CompletableFuture<List<ServiceInstance>> execute(Key key) {
    return agent
        .executePreparedQueryCall(key.query(), key.datacenter(), QueryOptions.NONE)
        .executeAsync()
        .thenApply(answer -> convert(answer.value(), key));
  }

  private List<ServiceInstance> convert(PreparedQueryResult result, Key key) {
    String dc;
    if (!result.datacenter().isEmpty()) {
      dc = result.datacenter();
    } else if (key.datacenter() != null) {
      dc = key.datacenter();
    } else {
      dc = scope.datacenter(DialOptions.DEFAULTS);
    }
    return Instances.from(
        result.nodes(),
        scope.namespace(DialOptions.DEFAULTS),
        scope.partition(DialOptions.DEFAULTS),
        dc);
  }

  /** A query and the datacenter it is asked in ({@code null}: the agent's own). */
  private record Key(String query, String datacenter) {}

  @Override
  public void close() {
    answers.synchronous().invalidateAll();
  }
}
