package dev.connectnative.internal.discovery;

import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.ServiceEntry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns agent answers into {@link ServiceInstance}s. An instance's namespace and partition are the
 * ones its entry names (Consul Enterprise sends {@code Service.Namespace} and {@code
 * Service.Partition}), else the ones the query ran in (Consul OSS sends neither).
 */
final class Instances {
  private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

  private Instances() {}

  /**
   * Converts entries, skipping those with no address at all.
   *
   * @param entries the agent's entries
   * @param namespace the namespace the query ran in, for entries that name none (Consul OSS)
   * @param partition the partition the query ran in, for entries that name none (Consul OSS)
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
              e.namespace().isEmpty() ? namespace : e.namespace(),
              e.partition().isEmpty() ? partition : e.partition(),
              e.datacenter().isEmpty() ? datacenter : e.datacenter(),
              host,
              e.port(),
              e.tags(),
              e.meta()));
    }
    return List.copyOf(out);
  }
}
