package dev.connectnative.netty.internal;

import dev.connectnative.ConnectService;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.internal.tls.ConnectSslContexts;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.internal.tcnative.SSL;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the Netty {@link SslContext}s of a service.
 *
 * <p>Every context uses the service's live key manager and TLS 1.3 and 1.2 only. Hostname
 * verification stays off (Netty 4.2 turns it on for clients by default): the server's SPIFFE
 * identity is checked by the trust manager instead.
 *
 * <p>Resumption skips the certificate exchange, and with it the trust manager. So only contexts
 * whose every connection passes the adapter's gate resume sessions ({@link #gatedServer}, {@link
 * #resumingClient}): the gate authorizes each client, resumed or not, and checks both leaves'
 * validity again. Contexts handed to other frameworks ({@link #server}, {@link #client}) resume
 * nothing: an OpenSSL server engine of theirs neither issues nor accepts tickets, a client keeps no
 * session cache, and JDK engines never resume (see {@code ConnectSslContexts}).
 *
 * <p>OpenSSL contexts cache the native form of the chain and key per alias, so a handshake does not
 * re-encode and re-parse them (PEM through BIOs) on both ends. The key manager's alias is {@code
 * "leaf-" + revision} and changes with every rotation, so the cache never serves a stale key under
 * a current alias (netty#9747); each rotation adds one entry (a few kilobytes), and past Netty's
 * limit of 1024 entries the provider stops caching and parses per handshake again. The gated server
 * needs none of this: its contexts carry their revision's key material directly.
 */
public final class NettySslContexts {
  private NettySslContexts() {}

  /**
   * The server context handed to other frameworks: the service's own restricted {@code SSLContext}
   * for the JDK provider, otherwise OpenSSL over the service's key and trust managers (whose
   * in-handshake authorization hook is then the only check). Client certificates are required; no
   * session is resumed.
   *
   * @throws IllegalStateException if the context cannot be created
   */
  public static SslContext server(
      ConnectService service, SslProvider provider, List<String> applicationProtocols) {
    if (provider == SslProvider.JDK) {
      return jdkServer(service, applicationProtocols);
    }
    return new NoTickets(
        openSslServer(
            service,
            provider,
            applicationProtocols,
            false,
            SslContextBuilder.forServer(cachingKeyMaterial(service))));
  }

  /**
   * The server contexts behind the adapter's gate. For OpenSSL, a context per identity revision
   * (see {@link RevisionContexts}) with the revision's leaf and key as static key material, a trust
   * manager that skips the service's in-handshake authorization hook (the gate authorizes every
   * connection instead, so certificate checks never wait and can run on the event loop), and
   * session tickets under a random key of its own. The JDK provider has one context that resumes
   * nothing and keeps the hook.
   *
   * @throws IllegalStateException if a context cannot be created
   */
  public static RevisionContexts gatedServer(
      ConnectService service, SslProvider provider, List<String> applicationProtocols) {
    if (provider == SslProvider.JDK) {
      return RevisionContexts.fixed(jdkServer(service, applicationProtocols));
    }
    SecureRandom random = new SecureRandom();
    return RevisionContexts.perRevision(
        service,
        snapshot -> {
          SslContext context =
              openSslServer(
                  service,
                  provider,
                  applicationProtocols,
                  true,
                  SslContextBuilder.forServer(
                      snapshot.leaf().privateKey(),
                      snapshot.leaf().chain().toArray(X509Certificate[]::new)));
          ((OpenSslSessionContext) context.sessionContext()).setTicketKeys(ticketKey(random));
          return context;
        });
  }

  /**
   * The clock the service checks certificates at (its trust manager's), so the adapter's checks
   * after a handshake agree with those inside it; the system clock for other implementations.
   */
  public static Clock certificateClock(ConnectService service) {
    return service instanceof DefaultConnectService connect
        ? connect.connectTrustManager().clock()
        : Clock.systemUTC();
  }

  /**
   * Tells whether the gated server's certificate checks may wait on an authorizer, so TLS delegated
   * tasks must run off the event loop.
   */
  public static boolean gatedChecksMayWait(ConnectService service, SslProvider provider) {
    return provider == SslProvider.JDK || !(service instanceof DefaultConnectService);
  }

  /**
   * The client context handed to other frameworks: the service's key manager and {@code trust},
   * which checks the server's identity inside the handshake; no session is resumed.
   *
   * @throws IllegalStateException if the context cannot be created
   */
  public static SslContext client(
      ConnectService service,
      SslProvider provider,
      List<String> applicationProtocols,
      X509ExtendedTrustManager trust) {
    return client(service, provider, applicationProtocols, trust, false);
  }

  /**
   * The client contexts of the adapter's own dials: as {@link #client}, but for OpenSSL one context
   * per identity revision (see {@link RevisionContexts}), each keeping the sessions servers offer,
   * keyed by the server name and port each dial passes (the target's identity), so a rotation of
   * the client leaves its earlier sessions behind. The JDK provider resumes nothing and gets {@code
   * fixed}.
   *
   * @param fixed the context to use when nothing is resumed
   * @throws IllegalStateException if a context cannot be created
   */
  public static RevisionContexts resumingClient(
      ConnectService service,
      SslProvider provider,
      List<String> applicationProtocols,
      X509ExtendedTrustManager trust,
      SslContext fixed) {
    if (provider == SslProvider.JDK) {
      return RevisionContexts.fixed(fixed);
    }
    return RevisionContexts.perRevision(
        service, snapshot -> client(service, provider, applicationProtocols, trust, true));
  }

  private static SslContext client(
      ConnectService service,
      SslProvider provider,
      List<String> applicationProtocols,
      X509ExtendedTrustManager trust,
      boolean resume) {
    ApplicationProtocolConfig alpn = alpn(applicationProtocols);
    try {
      if (provider == SslProvider.JDK) {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(new KeyManager[] {service.keyManager()}, new TrustManager[] {trust}, null);
        return new JdkSslContext(
            jdk,
            true,
            null,
            IdentityCipherSuiteFilter.INSTANCE,
            alpn,
            ClientAuth.NONE,
            ConnectSslContexts.PROTOCOLS.clone(),
            false);
      }
      SslContext context =
          SslContextBuilder.forClient()
              .keyManager(cachingKeyMaterial(service))
              .trustManager(trust)
              .endpointIdentificationAlgorithm(null)
              .protocols(ConnectSslContexts.PROTOCOLS)
              .applicationProtocolConfig(alpn)
              .sslProvider(provider)
              .build();
      if (!resume) {
        disableSessionCache(context.sessionContext());
      }
      return context;
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot create the " + provider + " client TLS context of \"" + service.name() + "\"", e);
    }
  }

  private static SslContext jdkServer(ConnectService service, List<String> applicationProtocols) {
    return new JdkSslContext(
        service.sslContext(),
        false,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        alpn(applicationProtocols),
        ClientAuth.REQUIRE,
        ConnectSslContexts.PROTOCOLS.clone(),
        false);
  }

  private static SslContext openSslServer(
      ConnectService service,
      SslProvider provider,
      List<String> applicationProtocols,
      boolean gated,
      SslContextBuilder builder) {
    X509ExtendedTrustManager trust =
        gated && service instanceof DefaultConnectService connect
            ? connect.connectTrustManager().withoutClientAuthorizer()
            : service.trustManager();
    try {
      SslContext context =
          builder
              .trustManager(trust)
              .clientAuth(ClientAuth.REQUIRE)
              .protocols(ConnectSslContexts.PROTOCOLS)
              .applicationProtocolConfig(alpn(applicationProtocols))
              .sslProvider(provider)
              .build();
      disableSessionCache(context.sessionContext());
      return context;
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot create the " + provider + " server TLS context of \"" + service.name() + "\"", e);
    }
  }

  private static OpenSslSessionTicketKey ticketKey(SecureRandom random) {
    return new OpenSslSessionTicketKey(
        bytes(random, OpenSslSessionTicketKey.NAME_SIZE),
        bytes(random, OpenSslSessionTicketKey.HMAC_KEY_SIZE),
        bytes(random, OpenSslSessionTicketKey.AES_KEY_SIZE));
  }

  private static byte[] bytes(SecureRandom random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  private static KeyManagerFactory cachingKeyMaterial(ConnectService service) {
    return new OpenSslCachingX509KeyManagerFactory(
        new KeyManagerFactoryWrapper(service.keyManager()));
  }

  /** Turns off the stateful session cache (server) or the client session cache. */
  private static void disableSessionCache(SSLSessionContext sessions) {
    if (sessions instanceof OpenSslSessionContext openSsl) {
      openSsl.setSessionCacheEnabled(false);
    }
  }

  private static ApplicationProtocolConfig alpn(List<String> protocols) {
    if (protocols.isEmpty()) {
      return ApplicationProtocolConfig.DISABLED;
    }
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        protocols);
  }

  /**
   * An OpenSSL server context whose engines neither issue nor accept session tickets (Netty enables
   * TLS 1.3 tickets per engine, so they are turned off again per engine before its handshake). With
   * the stateful cache off too, every handshake is a full one and reaches the trust manager.
   */
  private static final class NoTickets extends DelegatingSslContext {
    NoTickets(SslContext context) {
      super(context);
    }

    @Override
    protected void initEngine(SSLEngine engine) {
      if (!(engine instanceof ReferenceCountedOpenSslEngine openSsl)) {
        throw new IllegalStateException(
            "expected an OpenSSL engine, got " + engine.getClass().getName());
      }
      SSL.setOptions(openSsl.sslPointer(), SSL.SSL_OP_NO_TICKET);
    }
  }
}
