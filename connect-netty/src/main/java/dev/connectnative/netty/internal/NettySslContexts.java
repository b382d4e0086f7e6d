package dev.connectnative.netty.internal;

import dev.connectnative.ConnectService;
import dev.connectnative.internal.tls.ConnectSslContexts;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the Netty {@link SslContext}s of a service, once each.
 *
 * <p>Every context uses the service's live key manager, TLS 1.3 and 1.2 only, and resumes no
 * session: a resumed session would skip the certificate checks and any rotation since it began.
 * Hostname verification stays off (Netty 4.2 turns it on for clients by default): the server's
 * SPIFFE identity is checked by the trust manager instead.
 *
 * <p>OpenSSL contexts cache the native form of the chain and key per alias, so a handshake does not
 * re-encode and re-parse them (PEM through BIOs) on both ends. The key manager's alias is {@code
 * "leaf-" + revision} and changes with every rotation, so the cache never serves a stale key under
 * a current alias (netty#9747); each rotation adds one entry (a few kilobytes), and past Netty's
 * limit of 1024 entries the provider stops caching and parses per handshake again.
 */
public final class NettySslContexts {
  private NettySslContexts() {}

  /**
   * The server context: the service's own restricted {@code SSLContext} for the JDK provider,
   * otherwise OpenSSL over the service's key and trust managers. Client certificates are required.
   *
   * @throws IllegalStateException if the context cannot be created
   */
  public static SslContext server(
      ConnectService service, SslProvider provider, List<String> applicationProtocols) {
    ApplicationProtocolConfig alpn = alpn(applicationProtocols);
    if (provider == SslProvider.JDK) {
      return new JdkSslContext(
          service.sslContext(),
          false,
          null,
          IdentityCipherSuiteFilter.INSTANCE,
          alpn,
          ClientAuth.REQUIRE,
          ConnectSslContexts.PROTOCOLS.clone(),
          false);
    }
    try {
      SslContext context =
          SslContextBuilder.forServer(cachingKeyMaterial(service))
              .trustManager(service.trustManager())
              .clientAuth(ClientAuth.REQUIRE)
              .protocols(ConnectSslContexts.PROTOCOLS)
              .applicationProtocolConfig(alpn)
              .sslProvider(provider)
              .build();
      disableSessionCache(context.sessionContext());
      return context;
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot create the " + provider + " server TLS context of \"" + service.name() + "\"", e);
    }
  }

  /**
   * The client context: the service's key manager and {@code trust}, which checks the server's
   * identity inside the handshake.
   *
   * @throws IllegalStateException if the context cannot be created
   */
  public static SslContext client(
      ConnectService service,
      SslProvider provider,
      List<String> applicationProtocols,
      X509ExtendedTrustManager trust) {
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
      disableSessionCache(context.sessionContext());
      return context;
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot create the " + provider + " client TLS context of \"" + service.name() + "\"", e);
    }
  }

  private static KeyManagerFactory cachingKeyMaterial(ConnectService service) {
    return new OpenSslCachingX509KeyManagerFactory(
        new KeyManagerFactoryWrapper(service.keyManager()));
  }

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
}
