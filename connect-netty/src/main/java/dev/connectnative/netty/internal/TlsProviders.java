package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.netty.NettyTlsProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a requested {@link NettyTlsProvider} into the Netty provider that is actually usable. */
public final class TlsProviders {
  private static final Logger LOG = LoggerFactory.getLogger(TlsProviders.class);

  private TlsProviders() {}

  /**
   * Picks the provider for {@code service} and logs the choice.
   *
   * @throws IllegalStateException if OpenSSL was requested explicitly and cannot be used
   */
  public static SslProvider resolve(NettyTlsProvider requested, String service) {
    requireNonNull(requested, "requested");
    Optional<String> openSslProblem = openSslProblem();
    switch (requested) {
      case JDK:
        LOG.info("service \"{}\": Netty TLS provider JDK (requested)", service);
        return SslProvider.JDK;
      case OPENSSL:
        if (openSslProblem.isPresent()) {
          throw new IllegalStateException(
              "TLS provider OPENSSL requested for service \""
                  + service
                  + "\" but "
                  + openSslProblem.get());
        }
        LOG.info(
            "service \"{}\": Netty TLS provider OPENSSL ({}, requested)",
            service,
            OpenSsl.versionString());
        return SslProvider.OPENSSL;
      case AUTO:
      default:
        if (openSslProblem.isPresent()) {
          LOG.info(
              "service \"{}\": Netty TLS provider JDK (AUTO: {})", service, openSslProblem.get());
          return SslProvider.JDK;
        }
        LOG.info(
            "service \"{}\": Netty TLS provider OPENSSL ({}, AUTO)",
            service,
            OpenSsl.versionString());
        return SslProvider.OPENSSL;
    }
  }

  /** Maps Netty's provider back to ours. */
  public static NettyTlsProvider of(SslProvider provider) {
    return provider == SslProvider.JDK ? NettyTlsProvider.JDK : NettyTlsProvider.OPENSSL;
  }

  /** Why OpenSSL cannot serve Connect here, if it cannot. */
  static Optional<String> openSslProblem() {
    if (!OpenSsl.isAvailable()) {
      return Optional.of(
          "the OpenSSL native library (netty-tcnative-boringssl-static) cannot be loaded: "
              + OpenSsl.unavailabilityCause());
    }
    if (!OpenSsl.supportsKeyManagerFactory()) {
      return Optional.of(
          "OpenSSL " + OpenSsl.versionString() + " cannot take keys from a Java key manager");
    }
    return Optional.empty();
  }
}
