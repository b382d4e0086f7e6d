package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The answer of {@code /v1/query/<name-or-id>/execute}.
 *
 * @param service the service the query resolved to
 * @param nodes the instances, in the order the query returned them
 * @param datacenter the datacenter that answered
 * @param failovers how many datacenters were tried before this one
 */
public record PreparedQueryResult(
    String service, List<ServiceEntry> nodes, String datacenter, int failovers) {
  public PreparedQueryResult {
    requireNonNull(service, "service");
    requireNonNull(datacenter, "datacenter");
    nodes = List.copyOf(nodes);
  }

  static PreparedQueryResult from(JsonNode node) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, "");
    return new PreparedQueryResult(
        f.textOr("Service", ""),
        ServiceEntry.list(f.raw("Nodes"), "Nodes"),
        f.textOr("Datacenter", ""),
        (int) f.integerOr("Failovers", 0));
  }
}
