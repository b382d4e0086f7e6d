package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Typed client for the local Consul agent's HTTP API: one per agent configuration, thread-safe.
 *
 * <p>Every read takes {@link QueryOptions} and returns the answer with its {@code X-Consul-Index}.
 * Every failure is an {@link AgentException} whose message starts with what could not be obtained,
 * e.g. {@code no leaf certificate for service "web": agent answered 403 Permission denied}; its
 * path never carries a query string. The {@code ...Call} variants return an {@link AgentCall} to
 * run asynchronously and cancel.
 *
 * <p>{@link #close()} releases the HTTP client's threads and connections when this client created
 * them; a client passed in by the caller is left alone.
 */
public final class AgentClient implements AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json");

  private final AgentConfig config;
  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final HttpUrl base;
  private final String token;
  private final ObjectMapper mapper = new ObjectMapper();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Duration readTimeoutMargin;

  private AgentClient(
      AgentConfig config, OkHttpClient http, boolean ownsHttp, Duration readTimeoutMargin) {
    this.readTimeoutMargin = readTimeoutMargin;
    this.config = requireNonNull(config, "config");
    this.http = requireNonNull(http, "http");
    this.ownsHttp = ownsHttp;
    this.base = baseUrl(config);
    this.token = resolveToken(config).orElse(null);
  }

  /**
   * Creates a client with its own HTTP client built from {@code config}.
   *
   * @param config the agent configuration
   * @return the client
   * @throws IllegalArgumentException if the token file or the agent TLS material cannot be read
   */
  public static AgentClient create(AgentConfig config) {
    return new AgentClient(
        config, AgentHttpClients.create(config), true, AgentCall.READ_TIMEOUT_MARGIN);
  }

  /**
   * Creates a client over an HTTP client the caller owns (it must already be set up for the
   * transport of {@code config}).
   *
   * @param config the agent configuration
   * @param http the HTTP client
   * @return the client
   */
  public static AgentClient create(AgentConfig config, OkHttpClient http) {
    return new AgentClient(config, http, false, AgentCall.READ_TIMEOUT_MARGIN);
  }

  /** For tests: a client whose blocking reads time out {@code margin} after wait + wait/16. */
  static AgentClient create(AgentConfig config, Duration readTimeoutMargin) {
    return new AgentClient(config, AgentHttpClients.create(config), true, readTimeoutMargin);
  }

  /** The configuration this client was made from. */
  public AgentConfig config() {
    return config;
  }

  /** The HTTP client talking to the agent, for reuse by other agent-bound clients. */
  public OkHttpClient httpClient() {
    return http;
  }

  // ---- CA -------------------------------------------------------------------------------------

  public Indexed<CaRoots> roots(QueryOptions options) {
    return rootsCall(options).execute();
  }

  public AgentCall<CaRoots> rootsCall(QueryOptions options) {
    return get("no CA roots", options, CaRoots::from, "v1/agent/connect/ca/roots");
  }

  public Indexed<LeafCert> leaf(String service, QueryOptions options) {
    return leafCall(service, options).execute();
  }

  public AgentCall<LeafCert> leafCall(String service, QueryOptions options) {
    requireNonEmpty(service, "service");
    return get(
        "no leaf certificate for service " + quote(service),
        options,
        LeafCert::from,
        "v1/agent/connect/ca/leaf",
        service);
  }

  // ---- authorize ------------------------------------------------------------------------------

  public AuthorizeResult authorize(String target, String clientCertUri, String clientCertSerial) {
    return authorizeCall(target, clientCertUri, clientCertSerial).execute().value();
  }

  public AgentCall<AuthorizeResult> authorizeCall(
      String target, String clientCertUri, String clientCertSerial) {
    requireNonEmpty(target, "target");
    requireNonNull(clientCertUri, "clientCertUri");
    requireNonNull(clientCertSerial, "clientCertSerial");
    ObjectNode body = mapper.createObjectNode();
    body.put("Target", target)
        .put("ClientCertURI", clientCertUri)
        .put("ClientCertSerial", clientCertSerial);
    HttpUrl url = url(QueryOptions.NONE, "v1/agent/connect/authorize").build();
    return call(
        "no authorization decision for " + quote(clientCertUri) + " to " + quote(target),
        QueryOptions.NONE,
        request(url).post(jsonBody(body)).build(),
        AgentCall.json(mapper, AuthorizeResult::from));
  }

  // ---- discovery ------------------------------------------------------------------------------

  public Indexed<List<ServiceEntry>> healthConnect(
      String service, HealthQuery query, QueryOptions options) {
    return healthConnectCall(service, query, options).execute();
  }

  public AgentCall<List<ServiceEntry>> healthConnectCall(
      String service, HealthQuery query, QueryOptions options) {
    requireNonEmpty(service, "service");
    requireNonNull(query, "query");
    HttpUrl.Builder url = url(options, query.namespace(), query.partition());
    url.addPathSegments("v1/health/connect").addPathSegment(service);
    if (query.passing()) {
      url.addQueryParameter("passing", null);
    }
    optionalParam(url, "dc", query.datacenter());
    optionalParam(url, "filter", query.filter());
    optionalParam(url, "tag", query.tag());
    return call(
        "no instances of service " + quote(service),
        options,
        request(url.build()).get().build(),
        AgentCall.json(mapper, json -> ServiceEntry.list(json, "")));
  }

  public Indexed<PreparedQueryResult> executePreparedQuery(String nameOrId, QueryOptions options) {
    return executePreparedQueryCall(nameOrId, options).execute();
  }

  public AgentCall<PreparedQueryResult> executePreparedQueryCall(
      String nameOrId, QueryOptions options) {
    return executePreparedQueryCall(nameOrId, null, options);
  }

  /**
   * Executes a prepared query in a datacenter ({@code ?dc=}), or in the agent's own when {@code
   * datacenter} is null.
   */
  public AgentCall<PreparedQueryResult> executePreparedQueryCall(
      String nameOrId, String datacenter, QueryOptions options) {
    requireNonEmpty(nameOrId, "nameOrId");
    HttpUrl.Builder url = url(options);
    url.addPathSegments("v1/query").addPathSegment(nameOrId).addPathSegment("execute");
    url.addQueryParameter("connect", "true");
    optionalParam(url, "dc", datacenter);
    return call(
        "no instances from prepared query " + quote(nameOrId),
        options,
        request(url.build()).get().build(),
        AgentCall.json(mapper, PreparedQueryResult::from));
  }

  // ---- intentions -----------------------------------------------------------------------------

  public Indexed<List<Intention>> intentionsMatch(String destination, QueryOptions options) {
    return intentionsMatchCall(destination, options).execute();
  }

  public AgentCall<List<Intention>> intentionsMatchCall(String destination, QueryOptions options) {
    requireNonEmpty(destination, "destination");
    HttpUrl.Builder url = url(options);
    url.addPathSegments("v1/connect/intentions/match");
    url.addQueryParameter("by", "destination").addQueryParameter("name", destination);
    return call(
        "no intentions for destination " + quote(destination),
        options,
        request(url.build()).get().build(),
        AgentCall.json(mapper, json -> Intention.matchFor(json, destination)));
  }

  /**
   * Reads the {@code service-intentions} config entry of a service as a raw JSON tree.
   *
   * @return the entry, or empty (index 0) when the service has none (the agent answers 404)
   */
  public Indexed<Optional<JsonNode>> serviceIntentionsConfigEntry(
      String name, QueryOptions options) {
    return serviceIntentionsConfigEntryCall(name, options).execute();
  }

  public AgentCall<Optional<JsonNode>> serviceIntentionsConfigEntryCall(
      String name, QueryOptions options) {
    requireNonEmpty(name, "name");
    HttpUrl.Builder url = url(options);
    url.addPathSegments("v1/config/service-intentions").addPathSegment(name);
    return call(
            "no service-intentions config entry for " + quote(name),
            options,
            request(url.build()).get().build(),
            AgentCall.json(
                mapper,
                json -> {
                  JsonFields.object(json, "");
                  return Optional.of(json);
                }))
        .absentOn404(Optional.empty());
  }

  // ---- agent ----------------------------------------------------------------------------------

  public AgentSelf agentSelf() {
    return get("no agent information", QueryOptions.NONE, AgentSelf::from, "v1/agent/self")
        .execute()
        .value();
  }

  public void registerService(ServiceRegistration registration) {
    requireNonNull(registration, "registration");
    HttpUrl url = url(QueryOptions.NONE, "v1/agent/service/register").build();
    write(
        "cannot register service " + quote(registration.name()),
        request(url).put(jsonBody(registration.toJson())).build());
  }

  public void deregisterService(String id) {
    requireNonEmpty(id, "id");
    HttpUrl.Builder url = url(QueryOptions.NONE, "v1/agent/service/deregister");
    url.addPathSegment(id);
    write(
        "cannot deregister service " + quote(id),
        request(url.build()).put(RequestBody.create(new byte[0], null)).build());
  }

  public void passTtlCheck(String checkId) {
    requireNonEmpty(checkId, "checkId");
    HttpUrl.Builder url = url(QueryOptions.NONE, "v1/agent/check/pass");
    url.addPathSegment(checkId);
    write(
        "cannot pass check " + quote(checkId),
        request(url.build()).put(RequestBody.create(new byte[0], null)).build());
  }

  /**
   * Releases the HTTP client's threads and idle connections if this client created it. Idempotent;
   * in-flight calls are cancelled.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsHttp) {
      http.dispatcher().cancelAll();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private <T> AgentCall<T> get(
      String what, QueryOptions options, AgentCall.JsonDecoder<T> decoder, String... path) {
    HttpUrl.Builder url = url(options, path[0]);
    for (int i = 1; i < path.length; i++) {
      url.addPathSegment(path[i]);
    }
    return call(what, options, request(url.build()).get().build(), AgentCall.json(mapper, decoder));
  }

  private <T> AgentCall<T> call(
      String what, QueryOptions options, Request request, AgentCall.Decoder<T> decoder) {
    return new AgentCall<>(http, request, what, options, readTimeoutMargin, decoder);
  }

  private void write(String what, Request request) {
    call(what, QueryOptions.NONE, request, body -> Boolean.TRUE).execute();
  }

  private HttpUrl.Builder url(QueryOptions options, String path) {
    return url(options).addPathSegments(path);
  }

  private HttpUrl.Builder url(QueryOptions options) {
    return url(options, null, null);
  }

  private HttpUrl.Builder url(QueryOptions options, String namespace, String partition) {
    HttpUrl.Builder url = base.newBuilder();
    if (options.index() > 0) {
      url.addQueryParameter("index", Long.toString(options.index()));
    }
    optionalParam(url, "wait", options.waitParameter());
    optionalParam(url, "ns", namespace != null ? namespace : config.namespace().orElse(null));
    optionalParam(
        url, "partition", partition != null ? partition : config.partition().orElse(null));
    return url;
  }

  private Request.Builder request(HttpUrl url) {
    Request.Builder r = new Request.Builder().url(url);
    if (token != null) {
      r.header("X-Consul-Token", token);
    }
    return r;
  }

  private RequestBody jsonBody(JsonNode body) {
    try {
      return RequestBody.create(mapper.writeValueAsBytes(body), JSON);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode request body", e);
    }
  }

  private static void optionalParam(HttpUrl.Builder url, String name, String value) {
    if (value != null) {
      url.addQueryParameter(name, value);
    }
  }

  private static HttpUrl baseUrl(AgentConfig config) {
    HttpUrl.Builder b =
        new HttpUrl.Builder()
            .scheme(config.transport() == AgentConfig.Transport.HTTPS ? "https" : "http")
            .host(config.host());
    if (config.transport() != AgentConfig.Transport.UNIX) {
      b.port(config.port());
    }
    String prefix = config.pathPrefix();
    if (!prefix.isEmpty()) {
      b.addEncodedPathSegments(prefix.substring(1));
    }
    return b.build();
  }

  private static Optional<String> resolveToken(AgentConfig config) {
    Optional<Path> file = config.tokenFile();
    if (file.isPresent()) {
      String fromFile;
      try {
        fromFile = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the Consul ACL token file " + file.get() + ": " + e.getMessage(),
            new UncheckedIOException(e));
      }
      if (!fromFile.isEmpty()) {
        return Optional.of(fromFile);
      }
    }
    return config.token().map(String::strip).filter(t -> !t.isEmpty());
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static void requireNonEmpty(String value, String name) {
    requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }
}
