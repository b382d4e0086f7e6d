package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Connect-native service registration for {@code PUT /v1/agent/service/register}.
 *
 * @param id the instance ID
 * @param name the service name
 * @param address the address others dial, or an empty string for the node address
 * @param port the port others dial
 * @param tags tags
 * @param meta metadata
 * @param ttlCheck a TTL check to register with the service ({@code service:<id>}), or {@code null}
 * @param deregisterCriticalAfter deregister after the check is critical this long, or {@code null}
 */
public record ServiceRegistration(
    String id,
    String name,
    String address,
    int port,
    List<String> tags,
    Map<String, String> meta,
    Duration ttlCheck,
    Duration deregisterCriticalAfter) {
  public ServiceRegistration {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
  }

  /**
   * A registration with ID = name, no tags, meta or check.
   *
   * @param name the service name
   * @param address the address others dial
   * @param port the port others dial
   * @return the registration
   */
  public static ServiceRegistration of(String name, String address, int port) {
    return new ServiceRegistration(name, name, address, port, List.of(), Map.of(), null, null);
  }

  /** The ID of the TTL check registered with the service, as Consul names it. */
  public String ttlCheckId() {
    return "service:" + id;
  }

  ObjectNode toJson() {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode o = json.objectNode();
    o.put("ID", id).put("Name", name).put("Port", port);
    if (!address.isEmpty()) {
      o.put("Address", address);
    }
    tags.forEach(o.putArray("Tags")::add);
    ObjectNode m = o.putObject("Meta");
    meta.forEach(m::put);
    o.putObject("Connect").put("Native", true);
    if (ttlCheck != null) {
      ObjectNode check = o.putObject("Check");
      check.put("CheckID", ttlCheckId()).put("TTL", ttlCheck.toMillis() + "ms");
      if (deregisterCriticalAfter != null) {
        check.put("DeregisterCriticalServiceAfter", deregisterCriticalAfter.toMillis() + "ms");
      }
    }
    return o;
  }
}
