package dev.connectnative.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/** Maps method and path to an endpoint, answering 405 and 404 the way Consul's mux does. */
public final class Router {
  /** One endpoint. */
  @FunctionalInterface
  public interface Handler {
    /** Answers one request. */
    Reply handle(Request request);
  }

  private record Route(String path, boolean prefix, List<String> methods, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  /** Adds an exact-path route. */
  public Router exact(String path, List<String> methods, Handler handler) {
    routes.add(new Route(path, false, List.copyOf(methods), handler));
    return this;
  }

  /** Adds a prefix route (the handler gets the rest of the path with {@link Request#rest}). */
  public Router prefix(String path, List<String> methods, Handler handler) {
    routes.add(new Route(path, true, List.copyOf(methods), handler));
    return this;
  }

  /** Answers {@code request}. */
  public Reply dispatch(Request request) {
    for (Route route : routes) {
      boolean matches =
          route.prefix()
              ? request.path().startsWith(route.path())
              : request.path().equals(route.path());
      if (!matches) {
        continue;
      }
      if (!route.methods().contains(request.method())) {
        return Reply.error(405, "method " + request.method() + " not allowed")
            .with("Allow", "OPTIONS," + String.join(",", route.methods()));
      }
      try {
        return route.handler().handle(request);
      } catch (ApiException e) {
        return e.reply();
      }
    }
    return Reply.error(404, "404 page not found\n");
  }
}
