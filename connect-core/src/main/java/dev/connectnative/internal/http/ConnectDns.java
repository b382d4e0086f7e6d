package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import okhttp3.Dns;

/**
 * OkHttp's name lookup: a Connect host name gives the addresses of its healthy instances, in
 * round-robin order and tagged with their instance (see {@link InstanceRegistry}), so OkHttp tries
 * the next instance when connecting to one fails. Other names go to the system resolver when
 * passthrough is on and are refused otherwise. Thread-safe.
 */
final class ConnectDns implements Dns {
  private final HttpTargets targets;
  private final InstanceRegistry registry;

  ConnectDns(HttpTargets targets, InstanceRegistry registry) {
    this.targets = requireNonNull(targets, "targets");
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    Optional<ConnectHost> target;
    try {
      target = targets.parse(hostname);
    } catch (IllegalArgumentException e) {
      throw new UnknownHostException(e.getMessage());
    }
    if (target.isPresent()) {
      return registry.addresses(targets.instances(target.get()));
    }
    if (!targets.passthrough()) {
      throw new UnknownHostException(targets.refusal(hostname));
    }
    return Dns.SYSTEM.lookup(hostname);
  }
}
