package dev.connectnative.internal.agent;

/**
 * Filters of {@code /v1/health/connect/<service>}. {@code null} means "not sent".
 *
 * @param passing only instances whose checks all pass ({@code ?passing})
 * @param datacenter {@code ?dc=}
 * @param namespace {@code ?ns=}, overriding the agent config's namespace
 * @param partition {@code ?partition=}, overriding the agent config's partition
 * @param filter {@code ?filter=} bexpr, e.g. {@code Service.Tags contains "v2"}
 * @param tag {@code ?tag=}
 */
public record HealthQuery(
    boolean passing,
    String datacenter,
    String namespace,
    String partition,
    String filter,
    String tag) {
  /** Healthy instances only, everything else default. */
  public static final HealthQuery PASSING = new HealthQuery(true, null, null, null, null, null);
}
