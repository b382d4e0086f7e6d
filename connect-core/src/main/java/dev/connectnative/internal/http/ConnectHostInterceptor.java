package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Refuses, before anything is sent or looked up, a request whose URL Connect cannot serve: a
 * Connect host over {@code http://}, a malformed Consul name, or any other host (including IP
 * addresses, which OkHttp never passes to {@code Dns}) when passthrough is off. The socket layer
 * refuses the same things again for redirects, which application interceptors do not see.
 */
final class ConnectHostInterceptor implements Interceptor {
  private final HttpTargets targets;

  ConnectHostInterceptor(HttpTargets targets) {
    this.targets = requireNonNull(targets, "targets");
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    HttpUrl url = chain.request().url();
    Optional<ConnectHost> target;
    try {
      target = targets.parse(url.host());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (target.isPresent() && !url.isHttps()) {
      throw new IOException(
          "refusing "
              + url.redact()
              + ": Connect traffic is always TLS, use https://"
              + url.host()
              + url.encodedPath());
    }
    if (target.isEmpty() && !targets.passthrough()) {
      throw new IOException("refusing " + url.redact() + ": " + targets.refusal(url.host()));
    }
    return chain.proceed(chain.request());
  }
}
