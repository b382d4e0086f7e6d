package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDK {@link HttpClient} that reaches Connect host names.
 *
 * <p>The JDK client has no DNS hook, so a request for {@code https://echo.service.consul/path} is
 * sent to {@code https://<instance-ip>:<instance-port>/path} through an inner client that belongs
 * to the identity that instance must present: its {@link PinnedSslContext} registers that identity
 * for every engine, so the trust manager checks it inside each handshake, and since the JDK pools
 * connections per client, connections of two identities are never shared. Inner clients are made on
 * first use and dropped after {@code idle} without use. A connection failure (refused, connect
 * timeout) moves on to the next instance; nothing else is retried. The response reports the URI the
 * caller asked for.
 *
 * <p>What the rewrite changes: the server sees the instance address in the {@code Host} header
 * (HTTP/1.1) or {@code :authority} (h2), since the JDK does not let a caller set {@code Host}, and
 * no SNI (IP address). Redirects the inner client follows are relative to the instance; an absolute
 * redirect to a Connect host name fails (the JDK cannot resolve it), which is safe. Cookies are
 * stored under the instance address.
 */
public final class JdkConnectClient extends HttpClient {
  private static final Logger LOG = LoggerFactory.getLogger(JdkConnectClient.class);

  private final HttpTargets targets;
  private final Supplier<HttpClient.Builder> builders;
  private final SSLParameters parameters;
  private final Cache<ServiceIdentity, HttpClient> clients;
  private volatile HttpClient plain;

  /**
   * Creates the client.
   *
   * @param targets what host names mean
   * @param builders makes a builder with the caller's settings; TLS settings are set on it here
   * @param idle how long an inner client lives without use
   */
  public JdkConnectClient(
      HttpTargets targets, Supplier<HttpClient.Builder> builders, Duration idle) {
    this.targets = requireNonNull(targets, "targets");
    this.builders = requireNonNull(builders, "builders");
    this.parameters = targets.service().sslContext().getDefaultSSLParameters();
    this.clients = Caffeine.newBuilder().expireAfterAccess(idle).build();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> response = sendAsync(request, handler);
    try {
      return response.get();
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      response.cancel(true);
      throw e;
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler) {
    return sendAsync(request, handler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> push) {
    requireNonNull(request, "request");
    requireNonNull(handler, "handler");
    URI uri = request.uri();
    Optional<ConnectHost> target;
    try {
      target = targets.parse(requireNonNull(uri.getHost(), "request URI has no host: " + uri));
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(new IOException(e.getMessage(), e));
    }
    if (target.isEmpty()) {
      if (!targets.passthrough()) {
        return CompletableFuture.failedFuture(
            new IOException("refusing " + uri + ": " + targets.refusal(uri.getHost())));
      }
      return plain().sendAsync(request, handler, push);
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return CompletableFuture.failedFuture(
          new IOException(
              "refusing " + uri + ": Connect traffic is always TLS, use https://" + uri.getHost()));
    }
    ConnectHost host = target.get();
    return targets
        .lookup(host)
        .thenCompose(
            instances -> attempt(request, handler, push, host, instances, 0, new ArrayList<>()));
  }

  private <T> CompletableFuture<HttpResponse<T>> attempt(
      HttpRequest request,
      BodyHandler<T> handler,
      PushPromiseHandler<T> push,
      ConnectHost host,
      List<ServiceInstance> instances,
      int index,
      List<String> failures) {
    ServiceInstance instance = instances.get(index);
    HttpClient client;
    try {
      client = client(targets.expected(instance));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest routed =
        HttpRequest.newBuilder(request, (n, v) -> true).uri(at(request.uri(), instance)).build();
    CompletableFuture<HttpResponse<T>> sent =
        push == null ? client.sendAsync(routed, handler) : client.sendAsync(routed, handler, push);
    return sent.handle(
            (response, error) -> {
              if (error == null) {
                return CompletableFuture.<HttpResponse<T>>completedFuture(
                    new ConnectResponse<>(response, request));
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (!(cause instanceof ConnectException
                  || cause instanceof HttpConnectTimeoutException)) {
                return CompletableFuture.<HttpResponse<T>>failedFuture(cause);
              }
              failures.add(instance.address() + ": " + cause);
              LOG.debug(
                  "{} at {} unreachable: {}", host.name(), instance.address(), cause.toString());
              if (index + 1 < instances.size()) {
                return attempt(request, handler, push, host, instances, index + 1, failures);
              }
              ConnectException all =
                  new ConnectException(
                      "cannot connect to "
                          + targets.describe(host)
                          + ": every instance failed ("
                          + instances.size()
                          + "): "
                          + String.join("; ", failures));
              all.initCause(cause);
              return CompletableFuture.<HttpResponse<T>>failedFuture(all);
            })
        .thenCompose(f -> f);
  }

  /** The request URI with the instance's address in place of the Connect host name and port. */
  static URI at(URI uri, ServiceInstance instance) {
    StringBuilder s = new StringBuilder("https://").append(instance.address());
    s.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      s.append('?').append(uri.getRawQuery());
    }
    return URI.create(s.toString());
  }

  private HttpClient client(ServiceIdentity expected) {
    return clients.get(
        expected,
        id ->
            builders
                .get()
                .sslContext(new PinnedSslContext(targets.service().sslContext(), id))
                .sslParameters(parameters)
                .build());
  }

  /** The client for passthrough requests, and for the settings this client reports. */
  private HttpClient plain() {
    HttpClient c = plain;
    if (c == null) {
      synchronized (this) {
        c = plain;
        if (c == null) {
          c = builders.get().build();
          plain = c;
        }
      }
    }
    return c;
  }

  private static IOException rethrow(Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new IOException(cause);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return plain().cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return plain().connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return plain().followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return plain().proxy();
  }

  /** Returns the Connect service's context, which Connect requests are made with. */
  @Override
  public SSLContext sslContext() {
    return targets.service().sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return parameters;
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return plain().authenticator();
  }

  @Override
  public Version version() {
    return plain().version();
  }

  @Override
  public Optional<Executor> executor() {
    return plain().executor();
  }

  @Override
  public String toString() {
    return "ConnectHttpClient[" + targets.service().name() + "]";
  }
}
