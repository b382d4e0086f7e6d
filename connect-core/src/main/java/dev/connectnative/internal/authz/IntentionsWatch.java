package dev.connectnative.internal.authz;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AgentException;
import dev.connectnative.Authorizer;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.internal.agent.Intention;
import dev.connectnative.internal.agent.WatchListener;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code GET /v1/connect/intentions/match?by=destination&name=<service>} and, whenever the
 * intentions that apply to this service change after the first answer, drops every cached decision
 * and re-authorizes the live connections, closing those now denied.
 *
 * <p>Reading intentions needs {@code intentions:read} on the destination; without it the agent
 * answers 403, the watch retries slowly and cached decisions simply expire on their TTL. Closing
 * stops the watch.
 */
public final class IntentionsWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IntentionsWatch.class);

  private final String service;
  private final Authorizer authorizer;
  private final LiveConnections connections;
  private final BlockingWatch<List<Intention>> watch;
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
    BlockingWatch.Builder<List<Intention>> builder =
        BlockingWatch.builder(
                "intentions-" + service, options -> agent.intentionsMatchCall(service, options))
            .listener(new Listener());
    if (scheduler != null) {
      builder.scheduler(scheduler);
    }
    this.watch = builder.build();
  }

  /**
   * Starts watching the intentions of {@code service}.
   *
   * @param agent the agent client, owned by the caller
   * @param service this service's name
   * @param authorizer the cache to invalidate and to re-authorize with
   * @param connections the live connections to re-authorize
   * @param scheduler a shared scheduler for the watch, or {@code null} for its own daemon thread
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
            scheduler);
    w.watch.start();
    return w;
  }

  /** What the underlying watch is doing. */
  public BlockingWatch.State state() {
    return watch.state();
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
      authorizer.invalidateAll();
      connections
          .reauthorizeAll(authorizer)
          .thenAccept(
              revoked -> {
                if (revoked > 0) {
                  LOG.info(
                      "closed {} connections to {} after an intention change", revoked, service);
                }
              });
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
