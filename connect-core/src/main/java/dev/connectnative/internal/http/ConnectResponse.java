package dev.connectnative.internal.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A response to a request sent to an instance's address, shown with the request and URI the caller
 * made ({@code https://echo.service.consul/...}) rather than the instance address it went to.
 */
final class ConnectResponse<T> implements HttpResponse<T> {
  private final HttpResponse<T> delegate;
  private final HttpRequest request;

  ConnectResponse(HttpResponse<T> delegate, HttpRequest request) {
    this.delegate = delegate;
    this.request = request;
  }

  @Override
  public int statusCode() {
    return delegate.statusCode();
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return delegate.previousResponse();
  }

  @Override
  public HttpHeaders headers() {
    return delegate.headers();
  }

  @Override
  public T body() {
    return delegate.body();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return delegate.sslSession();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return delegate.version();
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + request.uri() + ") " + statusCode();
  }
}
