package dev.connectnative.internal.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.connectnative.ServiceIdentity;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The peer host name a Connect TLS socket is created with, and the way back to its identity.
 *
 * <p>The name is the service's Consul SNI, {@code
 * <service>.<namespace>[.<partition>].<dc>.internal.<trust-domain>}: it is sent as SNI (what a mesh
 * gateway routes by), the JDK keys client sessions by it, and the {@link SSLSession#getPeerHost()}
 * of the established session carries it to the {@link ConnectHostnameVerifier}, which looks the
 * identity up here. Thread-safe.
 *
 * @see javax.net.ssl.SSLSession
 */
final class PeerNames {
  private final Cache<String, ServiceIdentity> identities =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();

  /** Returns the peer host name for {@code expected}, remembering the identity it stands for. */
  String name(ServiceIdentity expected) {
    String name = sni(expected);
    identities.put(name, expected);
    return name;
  }

  /** Returns the identity a peer host name given out by {@link #name} stands for. */
  Optional<ServiceIdentity> identity(String peerHost) {
    return peerHost == null
        ? Optional.empty()
        : Optional.ofNullable(identities.getIfPresent(peerHost.toLowerCase(Locale.ROOT)));
  }

  static String sni(ServiceIdentity id) {
    StringBuilder s = new StringBuilder(id.service()).append('.').append(id.namespace());
    if (!"default".equals(id.partition())) {
      s.append('.').append(id.partition());
    }
    return s.append('.')
        .append(id.datacenter())
        .append(".internal.")
        .append(id.trustDomain())
        .toString()
        .toLowerCase(Locale.ROOT);
  }
}
