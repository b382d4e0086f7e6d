package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import dev.connectnative.ConnectService;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.BlockingWatch;
import dev.connectnative.internal.agent.Indexed;
import dev.connectnative.internal.agent.WatchListener;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.servlet.internal.IntentionsJson;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the {@code service-intentions} config entry of a service on the local Consul agent with a
 * blocking query ({@code GET /v1/config/service-intentions/<name>?index=…}), so that intention
 * changes apply to the next request without a restart.
 *
 * <pre>{@code
 * try (ConnectService api = Connect.service("api").build();
 *     AgentIntentions intentions = AgentIntentions.watch(api)) {
 *   ConnectFilter filter = ConnectFilter.builder().service("api").intentions(intentions).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #watch(ConnectService)} asks the agent through the service's own agent client (one HTTP
 * client, one ACL token); {@link #watch(AgentConfig, String)} creates a client of its own.
 *
 * <p>Until the first answer, and whenever the agent hands out an entry that cannot be enforced (see
 * {@link InvalidIntentionsException}), {@link #current()} is empty and the requests it governs are
 * refused (fail closed). A missing entry (404) means no intention names this service. While the
 * agent is unreachable the last known intentions stay in effect and the watch retries with backoff.
 *
 * <p>Every answer also carries the agent's {@code X-Consul-Default-Acl-Policy}, which {@link
 * #defaultAllow()} hands to the filter as Consul's default intention behaviour.
 *
 * <p>Thread-safe. The watch runs on one daemon thread {@code connect-watch-intentions-<name>} owned
 * by this object; {@link #close()} stops it and is idempotent.
 */
public final class AgentIntentions implements IntentionsSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentIntentions.class);

  private final String service;
  private final AgentClient client;
  private final boolean ownsClient;
  private final BlockingWatch<Optional<JsonNode>> watch;
  private final AtomicReference<Optional<ServiceIntentions>> current =
      new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());

  private AgentIntentions(
      AgentClient client, boolean ownsClient, String service, Duration maxWait) {
    this.service = service;
    this.client = client;
    this.ownsClient = ownsClient;
    this.watch =
        BlockingWatch.<Optional<JsonNode>>builder(
                "intentions-" + service,
                options -> client.serviceIntentionsConfigEntryCall(service, options))
            .listener(new Listener())
            .maxWait(maxWait)
            .build();
  }

  /**
   * Starts following the intentions of {@code service} on the agent {@code config} names.
   *
   * @param config the agent to ask
   * @param service the destination service whose config entry is followed
   * @return the started watch
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is empty, or the agent configuration's
   *     token file or TLS material cannot be read
   */
  public static AgentIntentions watch(AgentConfig config, String service) {
    return watch(config, service, Duration.ofMinutes(5));
  }

  /**
   * Starts following the intentions of {@code service}, with a chosen blocking-query wait.
   *
   * @param config the agent to ask
   * @param service the destination service whose config entry is followed
   * @param maxWait the {@code wait} of each blocking query, at most 10 minutes
   * @return the started watch
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code service} is empty or {@code maxWait} is out of range
   */
  public static AgentIntentions watch(AgentConfig config, String service, Duration maxWait) {
    requireNonNull(config, "config");
    requireNonNull(service, "service");
    requireNonNull(maxWait, "maxWait");
    if (service.isEmpty()) {
      throw new IllegalArgumentException("service name is empty");
    }
    return start(AgentClient.create(config), true, service, maxWait);
  }

  /**
   * Starts following the intentions of a Connect service, through the service's agent client: the
   * same HTTP client and ACL token as its certificates and authorizations. The service must stay
   * open while this watch runs; closing the watch leaves the service alone.
   *
   * @param service the service built by {@code Connect.service(…)}, with an agent
   * @return the started watch
   * @throws NullPointerException if {@code service} is null
   * @throws IllegalArgumentException if the service was not built by {@code Connect}, or has no
   *     agent (a caller-owned identity source without an agent configuration)
   */
  public static AgentIntentions watch(ConnectService service) {
    return watch(service, Duration.ofMinutes(5));
  }

  /**
   * Starts following the intentions of a Connect service through its agent client, with a chosen
   * blocking-query wait.
   *
   * @param service the service built by {@code Connect.service(…)}, with an agent
   * @param maxWait the {@code wait} of each blocking query, at most 10 minutes
   * @return the started watch
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the service was not built by {@code Connect} or has no
   *     agent, or {@code maxWait} is out of range
   */
  public static AgentIntentions watch(ConnectService service, Duration maxWait) {
    requireNonNull(service, "service");
    requireNonNull(maxWait, "maxWait");
    if (!(service instanceof DefaultConnectService connect)) {
      throw new IllegalArgumentException(
          "service \"" + service.name() + "\" was not built by Connect; pass an AgentConfig");
    }
    AgentClient client =
        connect
            .agentClient()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "service \"" + service.name() + "\" has no agent; pass an AgentConfig"));
    return start(client, false, service.name(), maxWait);
  }

  private static AgentIntentions start(
      AgentClient client, boolean ownsClient, String service, Duration maxWait) {
    AgentIntentions intentions;
    try {
      intentions = new AgentIntentions(client, ownsClient, service, maxWait);
    } catch (RuntimeException e) {
      if (ownsClient) {
        client.close();
      }
      throw e;
    }
    intentions.watch.start();
    return intentions;
  }

  /**
   * Returns the intentions last read from the agent.
   *
   * @return the intentions; empty before the first answer and while the last entry cannot be
   *     enforced
   */
  @Override
  public Optional<ServiceIntentions> current() {
    return current.get();
  }

  /**
   * Returns Consul's default intention behaviour as the agent reports it in the {@code
   * X-Consul-Default-Acl-Policy} header of its last answer: {@code allow} with ACLs disabled,
   * otherwise the ACL {@code default_policy}.
   *
   * @return {@code true} for {@code allow}, {@code false} for {@code deny}; empty before the first
   *     answer or when the agent sent no (or an unknown) policy
   */
  @Override
  public Optional<Boolean> defaultAllow() {
    return watch
        .latest()
        .flatMap(Indexed::defaultAclPolicy)
        .flatMap(
            policy ->
                switch (policy) {
                  case "allow" -> Optional.of(true);
                  case "deny" -> Optional.of(false);
                  default -> Optional.empty();
                });
  }

  /**
   * Tells why {@link #current()} is empty, or what the last agent error was.
   *
   * @return the problem, e.g. {@code service-intentions "api": Sources[0].Action must be set to
   *     'allow' or 'deny', not ""}; empty when the intentions are in effect and the agent answers
   */
  public Optional<String> problem() {
    return problem.get();
  }

  /**
   * Stops the watch and its thread, and closes the agent client if this object created it (never a
   * service's). Idempotent; {@link #current()} keeps the last value.
   */
  @Override
  public void close() {
    watch.close();
    if (ownsClient) {
      client.close();
    }
  }

  /**
   * Describes the watch.
   *
   * @return e.g. {@code AgentIntentions[api, OK]}
   */
  @Override
  public String toString() {
    return "AgentIntentions[" + service + ", " + watch.state() + "]";
  }

  private final class Listener implements WatchListener<Optional<JsonNode>> {
    @Override
    public void onChange(Optional<JsonNode> entry, long index) {
      if (entry.isEmpty()) {
        current.set(Optional.of(ServiceIntentions.none(service)));
        problem.set(Optional.empty());
        LOG.info("intentions of {}: no service-intentions config entry (index {})", service, index);
        return;
      }
      try {
        ServiceIntentions parsed = ServiceIntentions.of(IntentionsJson.parse(entry.get()));
        if (!parsed.destination().equals(service)) {
          throw new InvalidIntentionsException(
              "agent answered the config entry of \""
                  + parsed.destination()
                  + "\" when asked for \""
                  + service
                  + "\"");
        }
        current.set(Optional.of(parsed));
        problem.set(Optional.empty());
        LOG.info("intentions of {} updated: {} (index {})", service, parsed, index);
      } catch (InvalidIntentionsException e) {
        current.set(Optional.empty());
        problem.set(Optional.of(e.getMessage()));
        LOG.warn(
            "intentions of {} cannot be enforced, refusing the requests they govern: {}",
            service,
            e.getMessage());
      }
    }

    @Override
    public void onError(AgentException error, int consecutiveFailures) {
      if (current.get().isPresent()) {
        problem.set(Optional.of("agent error, keeping the last intentions: " + error.getMessage()));
      } else {
        problem.set(Optional.of(error.getMessage()));
      }
    }
  }
}
