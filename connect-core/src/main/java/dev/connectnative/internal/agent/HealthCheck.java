package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One health check of a service instance.
 *
 * @param checkId the check ID, e.g. {@code serfHealth}
 * @param name the check name
 * @param status {@code passing}, {@code warning} or {@code critical}
 * @param serviceId the service instance the check belongs to, or empty for a node check
 */
public record HealthCheck(String checkId, String name, String status, String serviceId) {
  public HealthCheck {
    requireNonNull(checkId, "checkId");
    requireNonNull(name, "name");
    requireNonNull(status, "status");
    requireNonNull(serviceId, "serviceId");
  }

  static HealthCheck from(JsonNode node, String where) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, where);
    return new HealthCheck(
        f.text("CheckID"), f.textOr("Name", ""), f.text("Status"), f.textOr("ServiceID", ""));
  }
}
