package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.servlet.internal.IntentionsJson;
import dev.connectnative.servlet.internal.PermissionRule;
import dev.connectnative.servlet.internal.SourceRule;
import java.util.List;
import java.util.Optional;

/**
 * The intentions of one destination service, read from its {@code service-intentions} config entry,
 * evaluated the way Consul has Envoy enforce them.
 *
 * <p>Evaluation order, exactly as Consul defines it:
 *
 * <ol>
 *   <li>Sources are ordered by precedence, which Consul derives from how many parts are exact
 *       rather than {@code *}: with an exact destination, an exact source name scores 9, {@code *}
 *       in the source's namespace 8, {@code *} in any namespace 7. The precedence is recomputed
 *       here, not trusted from the JSON.
 *   <li>The highest-precedence source matching the caller decides alone; lower ones are never
 *       consulted for that caller. A source matches on partition, namespace and service name
 *       (case-sensitive, {@code *} matches any namespace or name); datacenter and trust domain are
 *       ignored, as in Consul.
 *   <li>An L4 source ({@code Action}) allows or denies every request.
 *   <li>For an L7 source ({@code Permissions}) the permissions are tried top to bottom and the
 *       first that matches is terminal. If none matches, the outcome is {@link
 *       IntentionDecision.Outcome#NO_MATCHING_PERMISSION}: Consul applies the default intention
 *       behaviour (allow with ACLs disabled, otherwise the ACL default policy).
 *   <li>If no source matches, the outcome is {@link IntentionDecision.Outcome#NO_MATCHING_SOURCE}:
 *       wildcard-destination entries (which cannot hold L7 permissions) and the default decide,
 *       which is what the agent's authorize endpoint answers.
 * </ol>
 *
 * <p>A permission's {@code HTTP} block matches when every part set in it matches: the URL path
 * ({@code PathExact}, {@code PathPrefix}, or {@code PathRegex} as a full match of the path without
 * query), {@code Methods} (any of them), and every {@code Header} rule ({@code Present}, {@code
 * Exact}, {@code Prefix}, {@code Suffix} or {@code Regex}, optionally {@code Invert}ed; several
 * values of a header are joined with {@code ","}; an absent header matches only an inverted {@code
 * Present}). Regular expressions use {@link java.util.regex.Pattern}, which accepts a superset of
 * the RE2 syntax Envoy uses.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * ServiceIntentions intentions = ServiceIntentions.parse(json);
 * IntentionDecision decision = intentions.evaluate(caller,
 *     new IntentionRequest("GET", "/public/index.html", Map.of()));
 * }</pre>
 */
public final class ServiceIntentions {
  private final IntentionsJson.Entry entry;

  private ServiceIntentions(IntentionsJson.Entry entry) {
    this.entry = entry;
  }

  /**
   * Parses a {@code service-intentions} config entry as the agent returns it from {@code GET
   * /v1/config/service-intentions/<name>}.
   *
   * @param configEntryJson the JSON text
   * @return the parsed intentions
   * @throws InvalidIntentionsException if the text is not a valid entry, holds a rule Consul would
   *     refuse, or uses JWT requirements (not enforced by this library)
   * @throws NullPointerException if {@code configEntryJson} is null
   */
  public static ServiceIntentions parse(String configEntryJson) {
    return new ServiceIntentions(
        IntentionsJson.parse(requireNonNull(configEntryJson, "configEntryJson")));
  }

  /**
   * Returns the intentions of a service that has no {@code service-intentions} config entry (the
   * agent answers 404): no source matches any caller.
   *
   * @param destination the service name
   * @return intentions with no source
   * @throws NullPointerException if {@code destination} is null
   * @throws IllegalArgumentException if {@code destination} is empty
   */
  public static ServiceIntentions none(String destination) {
    requireNonNull(destination, "destination");
    if (destination.isEmpty()) {
      throw new IllegalArgumentException("destination service name is empty");
    }
    return new ServiceIntentions(
        new IntentionsJson.Entry(
            dev.connectnative.SpiffeId.DEFAULT_PARTITION, "default", destination, List.of()));
  }

  /**
   * Wraps an entry parsed by the library's agent watch.
   *
   * @param entry the parsed entry
   * @return the intentions
   */
  static ServiceIntentions of(IntentionsJson.Entry entry) {
    return new ServiceIntentions(requireNonNull(entry, "entry"));
  }

  /**
   * Returns the destination service the entry is for (its {@code Name}).
   *
   * @return the service name
   */
  public String destination() {
    return entry.name();
  }

  /**
   * Tells whether the highest-precedence source matching {@code caller} is an L7 source, that is
   * whether its requests are decided per request by permissions.
   *
   * @param caller the verified caller
   * @return {@code true} if the caller is governed by L7 permissions
   * @throws NullPointerException if {@code caller} is null
   */
  public boolean governsAtLayer7(ServiceIdentity caller) {
    return source(requireNonNull(caller, "caller")).map(SourceRule::layer7).orElse(false);
  }

  /**
   * Decides one request, following the order described on this class.
   *
   * @param caller the verified caller
   * @param request the request
   * @return the decision and its reason
   * @throws NullPointerException if an argument is null
   */
  public IntentionDecision evaluate(ServiceIdentity caller, IntentionRequest request) {
    requireNonNull(caller, "caller");
    requireNonNull(request, "request");
    Optional<SourceRule> match = source(caller);
    if (match.isEmpty()) {
      return new IntentionDecision(
          IntentionDecision.Outcome.NO_MATCHING_SOURCE,
          "no intention of " + destinationLabel() + " matches " + caller);
    }
    SourceRule source = match.get();
    String intention = source.label() + " => " + destinationLabel();
    if (!source.layer7()) {
      return new IntentionDecision(
          source.allow() ? IntentionDecision.Outcome.ALLOW : IntentionDecision.Outcome.DENY,
          "Matched L4 intention: "
              + intention
              + " (Precedence: "
              + source.precedence()
              + ", Action: "
              + (source.allow() ? "ALLOW" : "DENY")
              + ")");
    }
    List<PermissionRule> permissions = source.permissions();
    String l7 = "Matched L7 intention: " + intention + " (Precedence: " + source.precedence() + ")";
    for (int i = 0; i < permissions.size(); i++) {
      PermissionRule permission = permissions.get(i);
      if (permission.http().matches(request)) {
        return new IntentionDecision(
            permission.allow() ? IntentionDecision.Outcome.ALLOW : IntentionDecision.Outcome.DENY,
            l7
                + ", Permissions["
                + i
                + "] (Action: "
                + (permission.allow() ? "ALLOW" : "DENY")
                + ") matched "
                + request.method()
                + " "
                + request.path());
      }
    }
    return new IntentionDecision(
        IntentionDecision.Outcome.NO_MATCHING_PERMISSION,
        l7
            + ", but none of its "
            + permissions.size()
            + " permission(s) matches "
            + request.method()
            + " "
            + request.path());
  }

  private Optional<SourceRule> source(ServiceIdentity caller) {
    for (SourceRule source : entry.sources()) {
      if (source.matches(caller)) {
        return Optional.of(source);
      }
    }
    return Optional.empty();
  }

  private String destinationLabel() {
    String base = entry.namespace() + "/" + entry.name();
    return dev.connectnative.SpiffeId.DEFAULT_PARTITION.equals(entry.partition())
        ? base
        : entry.partition() + "/" + base;
  }

  /**
   * Describes the entry: destination and number of sources.
   *
   * @return e.g. {@code ServiceIntentions[default/api, 3 sources]}
   */
  @Override
  public String toString() {
    return "ServiceIntentions[" + destinationLabel() + ", " + entry.sources().size() + " sources]";
  }
}
