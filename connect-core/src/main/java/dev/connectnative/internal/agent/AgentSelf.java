package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of {@code /v1/agent/self} the library uses.
 *
 * @param datacenter the agent's datacenter
 * @param nodeName the agent's node name
 * @param version the Consul version, e.g. {@code 1.10.4}
 * @param primaryDatacenter the primary datacenter, or an empty string
 */
public record AgentSelf(
    String datacenter, String nodeName, String version, String primaryDatacenter) {
  public AgentSelf {
    requireNonNull(datacenter, "datacenter");
    requireNonNull(nodeName, "nodeName");
    requireNonNull(version, "version");
    requireNonNull(primaryDatacenter, "primaryDatacenter");
  }

  static AgentSelf from(JsonNode node) throws MalformedAnswerException {
    JsonFields config = JsonFields.object(node, "").obj("Config");
    return new AgentSelf(
        config.text("Datacenter"),
        config.text("NodeName"),
        config.textOr("Version", ""),
        config.textOr("PrimaryDatacenter", ""));
  }
}
