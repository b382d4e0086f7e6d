package dev.connectnative;

import static java.util.Objects.requireNonNull;

import dev.connectnative.internal.http.HttpTargets;
import dev.connectnative.internal.http.JdkConnectClient;
import dev.connectnative.internal.http.OkHttpConnect;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * HTTP clients that call Connect services by name, over mutual TLS with the calling service's
 * identity and the server's identity checked inside every handshake.
 *
 * <pre>{@code
 * OkHttpClient http = ConnectHttp.builder(web).okHttpClient();
 * try (Response r = http.newCall(new Request.Builder()
 *     .url("https://echo.service.consul/hello").build()).execute()) {
 *   System.out.println(r.body().string());
 * }
 * }</pre>
 *
 * <p><b>Host names.</b> As with Consul's DNS interface and its Go SDK: {@code
 * <service>.service[.<datacenter>].consul} calls a service, {@code
 * <query>.query[.<datacenter>].consul} the instances a prepared query returns; {@link
 * Builder#domain(String)} adds the cluster's own DNS domain. The port in the URL is ignored: each
 * instance is reached at the port the catalog gives. The scheme must be {@code https}. Every other
 * host name and every IP address is refused with a message saying so, unless {@link
 * Builder#passthrough()} lets the client reach them as an ordinary HTTPS client (public CAs, no
 * client certificate).
 *
 * <p><b>Discovery and failover.</b> Instances come from the {@link Resolver}, whose watches answer
 * without an agent call once warm. New connections go to the instances in round-robin order; when
 * connecting to one fails (refused, timed out) the next is tried. A server presenting the wrong
 * identity fails the request (no other instance is tried). Otherwise the clients' own rules apply:
 * the JDK client retries nothing more; OkHttp, as for any host, may send a request again when the
 * pooled connection it used turns out to be closed.
 *
 * <p><b>What the server sees.</b> The OkHttp client does not rewrite URLs: {@code Host}, cookies
 * and redirects work as for any host name (a redirect to an {@code http://} Connect URL is refused,
 * one to another host needs passthrough). The JDK client cannot do the same; see {@link
 * Builder#jdkHttpClient(Consumer)}.
 *
 * <p><b>Connections.</b> Pooled connections belong to one host name (OkHttp) or one server identity
 * (JDK), so two services never share one. Every connection makes a full handshake (no session
 * resumption) with the identity in effect: after a leaf or root rotation, pooled connections carry
 * on and new ones use the new material; the client need not be rebuilt.
 *
 * <p><b>HTTP/2.</b> By default only {@code http/1.1} is offered in ALPN. {@link Builder#http2()}
 * also offers {@code h2}, which a server picks only if it serves it (HTTP/1.1 otherwise). It is not
 * the default because a TLS-terminating layer-4 proxy in front of a service (Consul's built-in
 * proxy did this, hashicorp/consul#4466) may accept {@code h2} on behalf of an application that
 * speaks only HTTP/1.1.
 */
public final class ConnectHttp {
  /** How long the JDK client keeps the inner client of a server identity it no longer calls. */
  static final Duration JDK_CLIENT_IDLE = Duration.ofMinutes(10);

  private ConnectHttp() {}

  /**
   * Starts building HTTP clients for {@code service}, which must stay open while they are used.
   *
   * @param service the calling service, whose leaf is presented to servers
   * @return a builder
   * @throws NullPointerException if {@code service} is null
   */
  public static Builder builder(ConnectService service) {
    return new Builder(service);
  }

  /**
   * Configures and builds Connect HTTP clients. Each setting may be made once; a second call throws
   * {@link IllegalStateException}. A builder can build several clients, each independent of the
   * others. Not thread-safe.
   */
  public static final class Builder {
    private final ConnectService service;
    private Resolver resolver;
    private DialOptions dialOptions;
    private String domain;
    private Boolean passthrough;
    private Boolean http2;

    private Builder(ConnectService service) {
      this.service = requireNonNull(service, "service");
    }

    /**
     * Sets where instances are found. The clients do not close it. If unset, the service's {@link
     * ConnectService#resolver()}, whose watches its dials share.
     *
     * @param resolver the resolver
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder resolver(Resolver resolver) {
      this.resolver = once(this.resolver, resolver, "resolver");
      return this;
    }

    /**
     * Sets the namespace, partition, filter, default datacenter and timeouts of every lookup and
     * connection. A datacenter in the host name wins over the options'; the connect timeout applies
     * to each instance tried, the overall timeout bounds the wait for a first discovery answer. If
     * unset, {@link DialOptions#DEFAULTS}.
     *
     * @param options the options; without a static address or prepared query
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if the options name a static address or a prepared query
     */
    public Builder dialOptions(DialOptions options) {
      requireNonNull(options, "options");
      if (options.staticInstance().isPresent() || options.preparedQuery()) {
        throw new IllegalArgumentException(
            "HTTP dial options cannot name a static address or a prepared query: the host name"
                + " chooses the target");
      }
      this.dialOptions = once(this.dialOptions, options, "dialOptions");
      return this;
    }

    /**
     * Adds the cluster's DNS domain (Consul's {@code domain} setting), so that {@code
     * echo.service.<domain>} is a Connect host name too. {@code consul} is always accepted. If
     * unset, only {@code consul}.
     *
     * @param domain e.g. {@code mesh.example.com}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if {@code domain} is not a DNS domain
     */
    public Builder domain(String domain) {
      this.domain = once(this.domain, HttpTargets.normaliseDomain(domain), "domain");
      return this;
    }

    /**
     * Lets the clients reach host names that are not Connect targets, and IP addresses, as an
     * ordinary client: system DNS, the JVM's default trust store and HTTPS host name checks, no
     * client certificate. If unset, such requests fail with a message naming the host.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder passthrough() {
      this.passthrough = once(this.passthrough, Boolean.TRUE, "passthrough");
      return this;
    }

    /**
     * Offers HTTP/2 ({@code h2}) besides HTTP/1.1 in ALPN; each connection uses what the server
     * picks. If unset, only HTTP/1.1 is offered (see the class documentation for why).
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder http2() {
      this.http2 = once(this.http2, Boolean.TRUE, "http2");
      return this;
    }

    /**
     * Returns an OkHttp builder set up for Connect, for adding timeouts, interceptors, an event
     * listener and so on. Do not replace its DNS, socket factories, host name verifier, proxy or
     * protocols: Connect requests would then fail (they fail closed, never unchecked).
     *
     * @return a new builder
     */
    public OkHttpClient.Builder okHttpClientBuilder() {
      return OkHttpConnect.builder(targets(), http2 != null);
    }

    /**
     * Builds an OkHttp client. Like any OkHttp client it owns a connection pool and a dispatcher;
     * release them with {@code dispatcher().executorService().shutdown()} and {@code
     * connectionPool().evictAll()} when done, or let them idle out.
     *
     * @return the client
     */
    public OkHttpClient okHttpClient() {
      return okHttpClientBuilder().build();
    }

    /**
     * Builds a JDK HTTP client with default settings: HTTP/1.1 (HTTP/2 with {@link #http2()}) and
     * the dial options' connect timeout.
     *
     * @return the client
     * @see #jdkHttpClient(Consumer)
     */
    public HttpClient jdkHttpClient() {
      return jdkHttpClient(b -> {});
    }

    /**
     * Builds a JDK HTTP client with settings of the caller's.
     *
     * <p>The JDK client cannot resolve Connect names, so the returned client sends each request to
     * the chosen instance's address through an inner client bound to the identity that instance
     * must present: connections of two services are never shared, and the trust manager checks that
     * identity inside each handshake. Consequences: the server sees the instance's {@code ip:port}
     * in {@code Host} (HTTP/1.1) or {@code :authority} (h2) and no SNI; cookies are kept per
     * instance address; redirects to a Connect host name are not followed (relative redirects are).
     * {@link java.net.http.HttpResponse#uri()} and {@link java.net.http.HttpResponse#request()}
     * report what was asked for.
     *
     * <p>Each inner client is built from a new {@code HttpClient.newBuilder()} that has the version
     * and connect timeout described in {@link #jdkHttpClient()}, then is passed to {@code
     * customizer}, which may change them; its TLS context and parameters are replaced for Connect
     * requests. Inner clients of identities unused for 10 minutes are dropped.
     *
     * @param customizer applies the caller's settings, e.g. {@code b -> b.executor(pool)}; called
     *     once per server identity, once for passthrough requests and for the settings the client
     *     reports
     * @return the client
     */
    public HttpClient jdkHttpClient(Consumer<HttpClient.Builder> customizer) {
      requireNonNull(customizer, "customizer");
      HttpClient.Version version =
          http2 != null ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
      Duration connectTimeout =
          (dialOptions == null ? DialOptions.DEFAULTS : dialOptions).connectTimeout();
      return new JdkConnectClient(
          targets(),
          () -> {
            HttpClient.Builder b =
                HttpClient.newBuilder().version(version).connectTimeout(connectTimeout);
            customizer.accept(b);
            return b;
          },
          JDK_CLIENT_IDLE);
    }

    private HttpTargets targets() {
      return new HttpTargets(
          service,
          resolver == null ? service.resolver() : resolver,
          dialOptions == null ? DialOptions.DEFAULTS : dialOptions,
          domain == null ? List.of() : List.of(domain),
          passthrough != null,
          ThreadLocalRandom.current().nextInt());
    }

    private static <T> T once(T current, T value, String what) {
      requireNonNull(value, what);
      if (current != null) {
        throw new IllegalStateException(what + " is already set");
      }
      return value;
    }
  }
}
