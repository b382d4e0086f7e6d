package dev.connectnative.internal.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.connectnative.ServiceInstance;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries a discovered instance from OkHttp's {@code Dns} to its {@code SocketFactory}.
 *
 * <p>OkHttp's DNS hook returns bare addresses and connects to the URL's port. Each address handed
 * out here carries, as its host name, a key naming one instance ({@code
 * echo.default.default.dc1@127.0.0.1:21000}); the socket factory maps the key back to the instance
 * and connects to the instance's own port. An address without a known key was not handed out by
 * this registry. Keys are refreshed by every lookup and forgotten after an hour without one.
 * Thread-safe.
 */
final class InstanceRegistry {
  private final Cache<String, ServiceInstance> instances =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

  /**
   * Returns the addresses to hand to OkHttp for some instances, in the same order.
   *
   * @throws UnknownHostException if an instance's host name does not resolve
   */
  List<InetAddress> addresses(List<ServiceInstance> found) throws UnknownHostException {
    List<InetAddress> out = new ArrayList<>();
    for (ServiceInstance instance : found) {
      String key = key(instance);
      instances.put(key, instance);
      for (InetAddress ip : InetAddress.getAllByName(instance.host())) {
        out.add(InetAddress.getByAddress(key, ip.getAddress()));
      }
    }
    return out;
  }

  /** Returns the instance an address handed out by {@link #addresses} stands for. */
  Optional<ServiceInstance> instance(InetSocketAddress address) {
    if (address.getAddress() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(instances.getIfPresent(address.getHostString()));
  }

  private static String key(ServiceInstance i) {
    return i.service()
        + "."
        + i.namespace()
        + "."
        + i.partition()
        + "."
        + i.datacenter()
        + "@"
        + i.address();
  }
}
