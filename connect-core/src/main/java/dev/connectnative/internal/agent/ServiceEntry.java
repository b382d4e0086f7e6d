package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One service instance from {@code /v1/health/connect/<service>} or a prepared query.
 *
 * @param node the node name
 * @param nodeAddress the node address
 * @param datacenter the node's datacenter
 * @param serviceId the instance ID
 * @param service the service name
 * @param namespace the instance's namespace ({@code Service.Namespace}, sent by Consul Enterprise
 *     only), or an empty string when the answer names none
 * @param partition the instance's admin partition ({@code Service.Partition}, Enterprise only), or
 *     an empty string when the answer names none
 * @param serviceAddress the instance address, or an empty string to use the node address
 * @param port the instance port
 * @param tags the instance tags
 * @param meta the instance metadata
 * @param connectNative whether the instance is Connect-native
 * @param checks the instance's and its node's checks
 */
public record ServiceEntry(
    String node,
    String nodeAddress,
    String datacenter,
    String serviceId,
    String service,
    String namespace,
    String partition,
    String serviceAddress,
    int port,
    List<String> tags,
    Map<String, String> meta,
    boolean connectNative,
    List<HealthCheck> checks) {
  public ServiceEntry {
    requireNonNull(node, "node");
    requireNonNull(nodeAddress, "nodeAddress");
    requireNonNull(datacenter, "datacenter");
    requireNonNull(serviceId, "serviceId");
    requireNonNull(service, "service");
    requireNonNull(namespace, "namespace");
    requireNonNull(partition, "partition");
    requireNonNull(serviceAddress, "serviceAddress");
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
    checks = List.copyOf(checks);
  }

  /**
   * The address to dial: the service address, or the node address when the service has none (as
   * Consul's own clients do).
   *
   * @return the host to connect to
   */
  public String dialAddress() {
    return serviceAddress.isEmpty() ? nodeAddress : serviceAddress;
  }

  static ServiceEntry from(JsonNode node, String where) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, where);
    JsonFields n = f.obj("Node");
    JsonFields s = f.obj("Service");
    JsonFields connect = s.optObj("Connect");
    List<JsonNode> checkNodes = f.list("Checks");
    List<HealthCheck> checks = new ArrayList<>(checkNodes.size());
    for (int i = 0; i < checkNodes.size(); i++) {
      checks.add(HealthCheck.from(checkNodes.get(i), f.path("Checks") + "[" + i + "]"));
    }
    return new ServiceEntry(
        n.text("Node"),
        n.textOr("Address", ""),
        n.textOr("Datacenter", ""),
        s.text("ID"),
        s.text("Service"),
        s.textOr("Namespace", ""),
        s.textOr("Partition", ""),
        s.textOr("Address", ""),
        (int) s.integer("Port"),
        s.strings("Tags"),
        s.stringMap("Meta"),
        connect != null && connect.boolOr("Native", false),
        checks);
  }

  static List<ServiceEntry> list(JsonNode node, String where) throws MalformedAnswerException {
    List<JsonNode> items = JsonFields.array(node, where);
    if (node != null && !node.isArray()) {
      throw new MalformedAnswerException("the answer is not a JSON array");
    }
    List<ServiceEntry> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(from(items.get(i), where + "[" + i + "]"));
    }
    return out;
  }
}
