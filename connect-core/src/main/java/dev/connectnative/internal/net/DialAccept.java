package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.connectnative.AuthorizationDecision;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectListener;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySource;
import dev.connectnative.NotReadyException;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.authz.AgentAuthorizer;
import dev.connectnative.internal.authz.CachingAuthorizer;
import dev.connectnative.internal.authz.ClientAuthorizerHook;
import dev.connectnative.internal.authz.IntentionsWatch;
import dev.connectnative.internal.authz.LiveConnections;
import dev.connectnative.internal.discovery.HealthResolver;
import dev.connectnative.internal.discovery.PreparedQueryResolver;
import dev.connectnative.internal.discovery.RoutingResolver;
import dev.connectnative.internal.registration.SelfRegistration;
import dev.connectnative.internal.tls.ConnectTrustManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * The dial and accept side of one service, built once by the service: its authorizer (installed in
 * the trust manager so a full handshake is authorized inside it), the live accepted connections,
 * the intentions watch, the resolver, the dialer, the accept policy and the optional
 * self-registration. {@link #close()} stops what it started; the agent client and scheduler belong
 * to the service.
 */
public final class DialAccept implements AutoCloseable {
  private final String name;
  private final Authorizer authorizer;
  private final LiveConnections live;
  private final Resolver resolver;
  private final boolean ownsResolver;
  private final Dialer dialer;
  private final SSLContext context;
  private final AcceptPolicy policy;
  private final IntentionsWatch intentions;
  private final SelfRegistration registration;

  /**
   * Wires dial and accept for a service.
   *
   * @param name the service name
   * @param agent the agent client, or {@code null} when the service has no agent (then a custom
   *     authorizer must be set, or every client is refused, and only static addresses can be
   *     dialed)
   * @param context the service's TLS context
   * @param trust the service's trust manager, which gets the authorization hook
   * @param source the service's identity source
   * @param scheduler the service's scheduler
   * @param listener the service's listener
   * @param settings the builder's settings
   */
  public DialAccept(
      String name,
      AgentClient agent,
      SSLContext context,
      ConnectTrustManager trust,
      IdentitySource source,
      ScheduledExecutorService scheduler,
      ConnectListener listener,
      DialAcceptSettings settings) {
    this.name = requireNonNull(name, "name");
    this.context = requireNonNull(context, "context");
    requireNonNull(source, "source");
    requireNonNull(scheduler, "scheduler");
    ConnectEvents events = SafeEvents.of(new ListenerEvents(requireNonNull(listener, "listener")));
    this.live = new LiveConnections(events);
    this.authorizer = authorizer(name, agent, settings, events);
    Supplier<String> localDatacenter =
        () ->
            source
                .current()
                .map(s -> s.leaf().id().datacenter())
                .orElseThrow(
                    () ->
                        new NotReadyException(
                            "service \"" + name + "\" has no identity yet", null));
    if (settings.resolver() != null) {
      this.resolver = settings.resolver();
      this.ownsResolver = false;
    } else {
      this.resolver =
          agent == null
              ? new RoutingResolver(noAgent(name), noAgent(name))
              : new RoutingResolver(
                  new HealthResolver(
                      agent,
                      localDatacenter,
                      scheduler,
                      HealthResolver.DEFAULT_IDLE_TIMEOUT,
                      System::nanoTime),
                  new PreparedQueryResolver(
                      agent,
                      localDatacenter,
                      PreparedQueryResolver.DEFAULT_TTL,
                      Ticker.systemTicker(),
                      scheduler));
      this.ownsResolver = true;
    }
    this.dialer =
        new Dialer(name, context, source, resolver, events, new Random(), scheduler, trust.clock());
    this.policy =
        new AcceptPolicy(
            name,
            authorizer,
            live,
            AcceptPolicy.DEFAULT_HANDSHAKE_TIMEOUT,
            AcceptPolicy.DEFAULT_AUTHORIZATION_TIMEOUT,
            events,
            scheduler,
            trust.clock());
    trust.clientAuthorizer(
        new ClientAuthorizerHook(
            name, authorizer, AcceptPolicy.DEFAULT_AUTHORIZATION_TIMEOUT, events));
    this.intentions =
        agent == null ? null : IntentionsWatch.start(agent, name, authorizer, live, scheduler);
    this.registration =
        agent == null || settings.registerAddress() == null
            ? null
            : SelfRegistration.start(
                agent, name, settings.registerAddress(), settings.registerPort(), scheduler);
  }

  private static Authorizer authorizer(
      String name, AgentClient agent, DialAcceptSettings settings, ConnectEvents events) {
    if (settings.authorizer() != null) {
      return settings.authorizer();
    }
    if (agent == null) {
      return request ->
          CompletableFuture.<AuthorizationDecision>failedFuture(
              new ConnectException(
                  "service \""
                      + name
                      + "\" has no agent to authorize clients with; set an authorizer on its"
                      + " builder"));
    }
    CachingAuthorizer.Builder b = CachingAuthorizer.builder(new AgentAuthorizer(agent));
    if (!settings.authorizationGrace().isZero()) {
      b.grace(settings.authorizationGrace());
    }
    return b.events(events).build();
  }

  private static Resolver noAgent(String name) {
    return new Resolver() {
      @Override
      public CompletableFuture<List<ServiceInstance>> resolve(String target, DialOptions options) {
        return CompletableFuture.failedFuture(
            new ConnectException(
                "service \""
                    + name
                    + "\" has no agent to discover \""
                    + target
                    + "\" with; dial a static address or set a resolver on its builder"));
      }
    };
  }

  /** Dials through the resolver. */
  public SSLSocket dial(String service, DialOptions options) throws IOException {
    return dialer.dial(service, options);
  }

  /** Wraps a plain server socket. */
  public ServerSocket serverSocket(ServerSocket plain) throws IOException {
    return new ConnectServerSocket(plain, context.getSocketFactory(), policy);
  }

  /** A factory of wrapped server sockets. */
  public SSLServerSocketFactory serverSocketFactory() {
    return new ConnectServerSocketFactory(context.getSocketFactory(), policy);
  }

  /** The authorizer of accepted clients. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** The resolver dials use. */
  public Resolver resolver() {
    return resolver;
  }

  /** The live accepted connections, for adapters that accept connections themselves. */
  public LiveConnections liveConnections() {
    return live;
  }

  /** Deregisters, stops the intentions watch and closes the resolver if it is ours. */
  @Override
  public void close() {
    try {
      if (registration != null) {
        registration.close();
      }
    } finally {
      if (intentions != null) {
        intentions.close();
      }
      if (ownsResolver) {
        resolver.close();
      }
    }
  }

  @Override
  public String toString() {
    return "DialAccept[" + name + "]";
  }
}
