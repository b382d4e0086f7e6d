package dev.connectnative.servlet.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.IdentityListener;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.IdentityStatus;
import dev.connectnative.TrustDomainPolicy;
import dev.connectnative.internal.tls.ConnectKeyManager;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ConnectTrustManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A TLS context over a {@link ConnectService}'s live identity for a connector that enforces L7
 * intentions. The service's own context authorizes clients inside the handshake, where an agent
 * answer of "Matched L7 intention" is a refusal; the connector must instead see such a client
 * through the handshake and leave each request to the filter. So this context shares the service's
 * key manager and validates clients with a trust manager of its own, reading the same roots per
 * handshake, with no hook: the connector authorizes every connection after the handshake.
 */
public final class ServiceTls {
  private ServiceTls() {}

  /** Creates the context; {@code timeout} bounds the in-handshake wait for a decision. */
  public static SSLContext forLayer7(ConnectService service, Duration timeout) {
    requireNonNull(service, "service");
    if (!(service.keyManager() instanceof ConnectKeyManager keyManager)) {
      throw new IllegalArgumentException(
          "service \"" + service.name() + "\" does not use connectnative's key manager");
    }
    TrustDomainPolicy policy =
        service.trustManager() instanceof ConnectTrustManager trust
            ? trust.policy()
            : TrustDomainPolicy.OWN_TRUST_DOMAIN;
    ConnectTrustManager trust =
        new ConnectTrustManager(new ServiceView(service), policy, Clock.systemUTC());
    trust.clientAuthorizer(new Layer4Gate(service.name(), service.authorizer(), timeout));
    return ConnectSslContexts.create(keyManager, trust);
  }

  /**
   * The service's identity as a source for a trust manager, which only ever reads {@link
   * #current()}. The service owns the identity, so {@link #close()} does nothing, and listeners
   * belong on the service ({@code ConnectListener}).
   */
  private static final class ServiceView implements IdentitySource {
    private final ConnectService service;

    ServiceView(ConnectService service) {
      this.service = service;
    }

    @Override
    public Optional<IdentitySnapshot> current() {
      return service.isReady() ? Optional.of(service.identity()) : Optional.empty();
    }

    @Override
    public void addListener(IdentityListener listener) {
      throw new UnsupportedOperationException(
          "listen to identity changes of \"" + service.name() + "\" on the service itself");
    }

    @Override
    public IdentityStatus status() {
      return service.status();
    }

    @Override
    public void close() {
      // The service owns its identity; closing this view must not stop it.
    }
  }
}
