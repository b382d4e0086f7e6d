package dev.connectnative.internal.discovery;

import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.ServiceEntry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns agent answers into {@link ServiceInstance}s. */
final class Instances {
  private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

  private Instances() {}

  /**
   * Converts entries, skipping those with no address at all.
   *
   * @param entries the agent's entries
   * @param namespace the namespace the query ran in
   * @param partition the partition the query ran in
   * @param datacenter the datacenter to assume when an entry's node names none
   */
  static List<ServiceInstance> from(
      List<ServiceEntry> entries, String namespace, String partition, String datacenter) {
    List<ServiceInstance> out = new ArrayList<>(entries.size());
    for (ServiceEntry e : entries) {
      String host = e.dialAddress();
      if (host.isEmpty() || e.port() <= 0) {
        LOG.debug("skipping instance {} of {}: no address or port", e.serviceId(), e.service());
        continue;
      }
      out.add(
          new ServiceInstance(
              e.serviceId(),
              e.service(),
              namespace,
              partition,
              e.datacenter().isEmpty() ? datacenter : e.datacenter(),
              host,
              e.port(),
              e.tags(),
              e.meta()));
    }
    return List.copyOf(out);
  }
}
