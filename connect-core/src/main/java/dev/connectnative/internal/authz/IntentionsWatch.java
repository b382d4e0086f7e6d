package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import dev.connectnative.Authorizer;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.internal.agent.Intention;
import dev.connectnative.internal.agent.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code GET /v1/connect/intentions/match?by=destination&name=<service>} and, whenever the
 * intentions that apply to this service change after the first answer, drops every cached decision
 * and re-authorizes the live connections, closing those now denied. The same is done again {@link
 * #SECOND_PASS} later, because the agent's authorize endpoint answers from its own intentions
 * cache, which may catch up with the change a moment after this watch saw it.
 *
 * <p>Reading intentions needs {@code intentions:read} on the destination; without it the agent
 * answers 403, the watch retries slowly and cached decisions simply expire on their TTL. Closing
 * stops the watch.
 */
public final class IntentionsWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IntentionsWatch.class);

  /** Delay of the second invalidation and re-authorization after a change. */
  public static final Duration SECOND_PASS = Duration.ofSeconds(1);

  private final String service;
  private final Authorizer authorizer;
  private final LiveConnections connections;
  private final BlockingWatch<List<Intention>> watch;
  private final ScheduledExecutorService scheduler;
  private boolean seenFirst;

  private IntentionsWatch(
      AgentClient agent,
      String service,
      Authorizer authorizer,
      LiveConnections connections,
      ScheduledExecutorService scheduler) {
    this.service = service;
    this.authorizer = authorizer;
    this.connections = connections;
    this.scheduler = scheduler;
    BlockingWatch.Builder<List<Intention>> builder =
        BlockingWatch.builder(
                "intentions-" + service, options -> agent.intentionsMatchCall(service, options))
            .listener(new Listener());
    this.watch = builder.scheduler(scheduler).build();
  }

  /**
   * Starts watching the intentions of {@code service}.
   *
   * @param agent the agent client, owned by the caller
   * @param service this service's name
   * @param authorizer the cache to invalidate and to re-authorize with
   * @param connections the live connections to re-authorize
   * @param scheduler runs the watch and the second pass; owned by the caller
   * @return the running watch
   */
  public static IntentionsWatch start(
      AgentClient agent,
      String service,
      Authorizer authorizer,
      LiveConnections connections,
      ScheduledExecutorService scheduler) {
    IntentionsWatch w =
        new IntentionsWatch(
            requireNonNull(agent, "agent"),
            requireNonNull(service, "service"),
            requireNonNull(authorizer, "authorizer"),
            requireNonNull(connections, "connections"),
            requireNonNull(scheduler, "scheduler"));
    w.watch.start();
    return w;
  }

  /** What the underlying watch is doing. */
  public BlockingWatch.State state() {
    return watch.state();
  }

  private void reauthorize() {
    if (watch.state() == BlockingWatch.State.CLOSED) {
      return;
    }
    authorizer.invalidateAll();
    connections
        .reauthorizeAll(authorizer)
        .thenAccept(
            revoked -> {
              if (revoked > 0) {
                LOG.info("closed {} connections to {} after an intention change", revoked, service);
              }
            });
  }

  @Override
  public void close() {
    watch.close();
  }

  private final class Listener implements WatchListener<List<Intention>> {
    @Override
    public void onChange(List<Intention> value, long index) {
      if (!seenFirst) {
        seenFirst = true;
        return;
      }
      LOG.info(
          "intentions for {} changed (index {}): dropping cached decisions, re-authorizing"
              + " live connections",
          service,
          index);
      reauthorize();
      try {
        scheduler.schedule(
            IntentionsWatch.this::reauthorize, SECOND_PASS.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("scheduler stopped; no second re-authorization pass for {}", service);
      }
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      if (error.isPermissionDenied() && consecutiveFailures == 1) {
        LOG.info(
            "cannot watch the intentions of {} (the token lacks intentions:read); cached"
                + " decisions expire on their TTL instead",
            service);
      }
    }
  }
}
