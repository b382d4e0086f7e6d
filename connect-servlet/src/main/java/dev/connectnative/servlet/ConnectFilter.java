package dev.connectnative.servlet;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Authorizer;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.servlet.internal.ConnectionGrant;
import dev.connectnative.servlet.internal.Enforcement;
import dev.connectnative.servlet.internal.RequestPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request its caller's Connect identity and enforces L7 intentions, for requests that
 * arrived through a {@link ConnectConnector}.
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * ConnectFilter.builder().service("api").intentions(intentions).build().install(context);
 * // in a servlet:
 * ServiceIdentity caller = ConnectFilter.caller(request).orElseThrow();
 * }</pre>
 *
 * <p>For each request the filter reads the caller's identity from the verified TLS session, and
 * refuses the request with 403 if the connection was not admitted by a {@code ConnectConnector}.
 * With {@link Builder#intentions(IntentionsSource)} set it evaluates the live {@link
 * ServiceIntentions} (see there for Consul's precedence and matching rules):
 *
 * <ul>
 *   <li>{@code ALLOW}: the request proceeds; {@code DENY}: 403.
 *   <li>No permission of the caller's L7 intention matches: Consul's default intention behaviour.
 *       {@link Builder#defaultAllow(boolean)} decides if set; otherwise the intentions source's
 *       {@link IntentionsSource#defaultAllow()} ({@link AgentIntentions} reads the agent's {@code
 *       X-Consul-Default-Acl-Policy}); if neither is known, 403.
 *   <li>No intention of this service names the caller: the request proceeds only if the authorizer
 *       allowed the connection itself (wildcard intentions or the default allowed it); otherwise
 *       403.
 *   <li>Intentions not known yet, or the last entry could not be enforced: 503.
 * </ul>
 *
 * <p>Without intentions, a request proceeds if its connection was authorized and, when {@link
 * Builder#authorizer(Authorizer)} is set, the authorizer still allows the caller. An authorizer
 * that cannot decide within 5 seconds, or fails, gives 503 (fail closed).
 *
 * <p>Requests that proceed carry the caller as {@link #IDENTITY_ATTRIBUTE} (a {@link
 * ServiceIdentity}), as {@link HttpServletRequest#getUserPrincipal()} (a {@link ConnectPrincipal},
 * auth type {@code CLIENT_CERT}), and the standard {@code jakarta.servlet.request.X509Certificate}
 * attribute set by Jetty. Map the filter to {@code /*} ({@link #install(ServletContextHandler)}
 * does): paths it does not cover are not checked.
 *
 * <p>Thread-safe. {@link #destroy()} stops counting this filter as the enforcer of its intentions,
 * after which the connector refuses connections that only L7 permissions could allow.
 */
public final class ConnectFilter implements Filter {
  /** Request attribute holding the caller's {@link ServiceIdentity}. */
  public static final String IDENTITY_ATTRIBUTE = "dev.connectnative.servlet.identity";

  /** Request attribute holding the {@link IntentionDecision} that let the request through. */
  public static final String DECISION_ATTRIBUTE = "dev.connectnative.servlet.decision";

  private static final Logger LOG = LoggerFactory.getLogger(ConnectFilter.class);
  private static final Duration RECHECK_TIMEOUT = Duration.ofSeconds(5);

  private final String service;
  private final IntentionsSource intentions;
  private final Authorizer authorizer;
  private final Boolean defaultAllow;
  private final Object lifecycle = new Object();
  private boolean armed;

  private ConnectFilter(Builder builder) {
    this.service = builder.service;
    this.intentions = builder.intentions;
    this.authorizer = builder.authorizer;
    this.defaultAllow = builder.defaultAllow;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the caller of a request that passed this filter.
   *
   * @param request the request
   * @return the caller, empty if the request did not pass a {@code ConnectFilter}
   * @throws NullPointerException if {@code request} is null
   */
  public static Optional<ServiceIdentity> caller(ServletRequest request) {
    return requireNonNull(request, "request").getAttribute(IDENTITY_ATTRIBUTE)
            instanceof ServiceIdentity identity
        ? Optional.of(identity)
        : Optional.empty();
  }

  /**
   * Adds this filter to a context, for every path and for requests (not forwards or includes).
   *
   * @param context the servlet context handler
   * @return this filter
   * @throws NullPointerException if {@code context} is null
   */
  public ConnectFilter install(ServletContextHandler context) {
    requireNonNull(context, "context")
        .addFilter(new FilterHolder(this), "/*", EnumSet.of(DispatcherType.REQUEST));
    return this;
  }

  /**
   * Registers this filter as the enforcer of its intentions.
   *
   * @param config the filter configuration (unused)
   */
  @Override
  public void init(FilterConfig config) {
    synchronized (lifecycle) {
      if (intentions != null && !armed) {
        Enforcement.arm(intentions);
        armed = true;
      }
    }
  }

  /** Stops being the enforcer of its intentions. Idempotent. */
  @Override
  public void destroy() {
    synchronized (lifecycle) {
      if (armed) {
        Enforcement.disarm(intentions);
        armed = false;
      }
    }
  }

  /**
   * Checks the request and passes it on, or answers 403 or 503.
   *
   * @param request the request
   * @param response the response
   * @param chain the rest of the chain
   * @throws IOException if writing a refusal or the chain fails
   * @throws ServletException if the chain fails
   */
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      throw new ServletException("ConnectFilter handles HTTP requests only");
    }
    Optional<SSLSession> session = session(http);
    if (session.isEmpty()) {
      refuse(httpResponse, 403, "request to \"" + service + "\" did not arrive over Connect TLS");
      return;
    }
    ServiceIdentity caller;
    try {
      caller = ConnectIdentity.of(session.get());
    } catch (InvalidIdentityException e) {
      refuse(httpResponse, 403, "caller of \"" + service + "\" has no identity: " + e.getMessage());
      return;
    }
    Optional<ConnectionGrant> grant = ConnectionGrant.of(session.get());
    if (grant.isEmpty() || !grant.get().client().equals(caller)) {
      refuse(
          httpResponse,
          403,
          "connection of " + caller + " was not authorized by a Connect connector");
      return;
    }
    IntentionDecision decision = null;
    if (intentions != null) {
      Optional<ServiceIntentions> current = intentions.current();
      if (current.isEmpty()) {
        refuse(
            httpResponse,
            503,
            "intentions of \"" + service + "\" are not known; refusing " + caller);
        return;
      }
      decision = current.get().evaluate(caller, intentionRequest(http));
    }
    Optional<Refusal> refusal = refusal(decision, grant.get(), session.get());
    if (refusal.isPresent()) {
      refuse(
          httpResponse,
          refusal.get().status(),
          caller
              + " may not "
              + http.getMethod()
              + " "
              + http.getRequestURI()
              + " on \""
              + service
              + "\": "
              + refusal.get().reason());
      return;
    }
    http.setAttribute(IDENTITY_ATTRIBUTE, caller);
    if (decision != null) {
      http.setAttribute(DECISION_ATTRIBUTE, decision);
    }
    chain.doFilter(new CallerRequest(http, new ConnectPrincipal(caller)), response);
  }

  /** Why a request is refused: the status to answer and the reason. */
  private record Refusal(int status, String reason) {}

  private Optional<Refusal> refusal(
      IntentionDecision decision, ConnectionGrant grant, SSLSession session) {
    if (decision == null) {
      return recheck(grant, session);
    }
    return switch (decision.outcome()) {
      case ALLOW -> Optional.empty();
      case DENY -> Optional.of(new Refusal(403, decision.reason()));
      case NO_MATCHING_PERMISSION -> byDefault(decision);
      case NO_MATCHING_SOURCE ->
          grant.layer7()
              ? Optional.of(
                  new Refusal(
                      403,
                      decision.reason()
                          + ", and the connection was admitted only for L7 checks ("
                          + grant.reason()
                          + ")"))
              : recheck(grant, session);
    };
  }

  /**
   * Applies the default intention behaviour: the explicit setting first, then what the intentions
   * source knows (the agent's), else deny.
   */
  private Optional<Refusal> byDefault(IntentionDecision decision) {
    String source;
    boolean allow;
    Optional<Boolean> fromSource = intentions.defaultAllow();
    if (defaultAllow != null) {
      allow = defaultAllow;
      source = "set on this filter";
    } else if (fromSource.isPresent()) {
      allow = fromSource.get();
      source = "the default policy reported with the intentions";
    } else {
      allow = false;
      source = "no default policy is known";
    }
    return allow
        ? Optional.empty()
        : Optional.of(
            new Refusal(403, decision.reason() + "; the default is to deny (" + source + ")"));
  }

  /**
   * Asks the authorizer again, when one is set, so that intention changes reach open connections.
   */
  private Optional<Refusal> recheck(ConnectionGrant grant, SSLSession session) {
    if (authorizer == null) {
      return Optional.empty();
    }
    String serial;
    try {
      serial =
          Certificates.serialHex(
              ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber());
    } catch (SSLPeerUnverifiedException | RuntimeException e) {
      return Optional.of(new Refusal(403, "no verified client certificate: " + e.getMessage()));
    }
    AuthorizationRequest question = new AuthorizationRequest(service, grant.client(), serial);
    try {
      AuthorizationDecision answer =
          authorizer.authorize(question).get(RECHECK_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      return answer.allowed()
          ? Optional.empty()
          : Optional.of(new Refusal(403, "no longer allowed: " + answer.reason()));
    } catch (ExecutionException e) {
      return Optional.of(
          new Refusal(503, "cannot authorize the caller again: " + e.getCause().getMessage()));
    } catch (TimeoutException e) {
      return Optional.of(
          new Refusal(
              503,
              "cannot authorize the caller again: no decision within "
                  + RECHECK_TIMEOUT.toMillis()
                  + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new Refusal(503, "cannot authorize the caller again: interrupted"));
    }
  }

  private static Optional<SSLSession> session(HttpServletRequest request) {
    return request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE)
            instanceof EndPoint.SslSessionData data
        ? Optional.ofNullable(data.sslSession())
        : Optional.empty();
  }

  private static IntentionRequest intentionRequest(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, new ArrayList<>(Collections.list(request.getHeaders(name))));
    }
    String rawPath = request.getRequestURI();
    String query = request.getQueryString();
    headers.put(":method", List.of(request.getMethod()));
    headers.put(":path", List.of(query == null ? rawPath : rawPath + "?" + query));
    headers.put(":scheme", List.of(request.getScheme()));
    String host = request.getHeader("Host");
    if (host != null) {
      headers.put(":authority", List.of(host));
    }
    return new IntentionRequest(request.getMethod(), RequestPaths.normalize(rawPath), headers);
  }

  private static void refuse(HttpServletResponse response, int status, String message)
      throws IOException {
    LOG.debug("refused request: {}", message);
    response.setStatus(status);
    response.setContentType("text/plain;charset=utf-8");
    response.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
  }

  /** The request as the application sees it: with the caller as its principal. */
  private static final class CallerRequest extends HttpServletRequestWrapper {
    private final ConnectPrincipal principal;

    CallerRequest(HttpServletRequest request, ConnectPrincipal principal) {
      super(request);
      this.principal = principal;
    }

    @Override
    public Principal getUserPrincipal() {
      return principal;
    }

    @Override
    public String getRemoteUser() {
      return principal.getName();
    }

    @Override
    public String getAuthType() {
      return HttpServletRequest.CLIENT_CERT_AUTH;
    }
  }

  /** Configures a {@link ConnectFilter}. Not thread-safe. */
  public static final class Builder {
    private String service;
    private IntentionsSource intentions;
    private Authorizer authorizer;
    private Boolean defaultAllow;

    private Builder() {}

    /**
     * Sets the name of the service the filter protects, used in messages. Required.
     *
     * @param service the service name
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder service(String service) {
      requireNonNull(service, "service");
      if (this.service != null) {
        throw new IllegalStateException("service is already set");
      }
      this.service = service;
      return this;
    }

    /**
     * Sets the live intentions to enforce per request. If unset, the filter only hands out the
     * caller's identity (the connector has authorized the connection).
     *
     * @param intentions the same source given to the {@link ConnectConnector}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder intentions(IntentionsSource intentions) {
      requireNonNull(intentions, "intentions");
      if (this.intentions != null) {
        throw new IllegalStateException("intentions are already set");
      }
      this.intentions = intentions;
      return this;
    }

    /**
     * Sets an authorizer to ask again for every request that no L7 or service-specific intention
     * decides, normally the one the connector uses ({@code ConnectService.authorizer()}). Its
     * answers are cached, so this costs a cache lookup, and an intention change that denies a
     * caller reaches connections it already has open at their next request (403). If unset, the
     * decision made when the connection was opened stands for its lifetime.
     *
     * @param authorizer the authorizer
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder authorizer(Authorizer authorizer) {
      requireNonNull(authorizer, "authorizer");
      if (this.authorizer != null) {
        throw new IllegalStateException("authorizer is already set");
      }
      this.authorizer = authorizer;
      return this;
    }

    /**
     * Sets the default intention behaviour, applied when none of the permissions of the caller's L7
     * intention matches a request. Consul allows by default when ACLs are disabled and follows the
     * ACL default policy otherwise. If unset, the intentions source's {@link
     * IntentionsSource#defaultAllow()} applies ({@link AgentIntentions} reads it from the agent's
     * {@code X-Consul-Default-Acl-Policy} header), and while that is unknown, deny (fail closed).
     * Set it to override the agent, e.g. {@code false} to deny whatever no permission allows.
     *
     * @param allow {@code true} to allow by default
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder defaultAllow(boolean allow) {
      if (this.defaultAllow != null) {
        throw new IllegalStateException("defaultAllow is already set");
      }
      this.defaultAllow = allow;
      return this;
    }

    /**
     * Creates the filter.
     *
     * @return the filter
     * @throws IllegalStateException if the service is not set
     */
    public ConnectFilter build() {
      if (service == null) {
        throw new IllegalStateException("service is required");
      }
      return new ConnectFilter(this);
    }
  }
}
