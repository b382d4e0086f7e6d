package dev.connectnative.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.connectnative.testkit.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the dev agent: records each request, applies faults, routes it and writes the
 * answer with the headers every Consul answer carries.
 */
public final class HttpFront implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
  private static final int CHUNKED_ABOVE = 2048;
  private static final byte[] GARBAGE =
      "{\"this is\": not JSON, <html>".getBytes(StandardCharsets.UTF_8);

  private final AgentCore core;
  private final Router router;
  private final FaultInjector faults;
  private final List<RecordedRequest> log = new CopyOnWriteArrayList<>();

  /** Creates the front with all endpoint groups. */
  public HttpFront(AgentCore core, FaultInjector faults) {
    this.core = core;
    this.faults = faults;
    this.router = new Router();
    new ConnectEndpoints(core).register(router);
    new AgentEndpoints(core).register(router);
    new IntentionEndpoints(core).register(router);
    new DiscoveryEndpoints(core).register(router);
  }

  /** Returns the request log. */
  public List<RecordedRequest> log() {
    return log;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = read(exchange);
      log.add(new RecordedRequest(request.method(), request.path(), redact(request.rawQuery())));
      Optional<FaultInjector.Rule> rule = faults.match(request.path());
      if (rule.isPresent() && rule.get().kind() == FaultInjector.Kind.STALL) {
        FaultInjector.hold(rule.get());
        rule = faults.match(request.path()).filter(r -> r.kind() != FaultInjector.Kind.STALL);
      }
      if (rule.isPresent() && rule.get().kind() == FaultInjector.Kind.FAIL) {
        write(exchange, Reply.error(rule.get().status(), rule.get().body()), false);
        return;
      }
      if (rule.isPresent() && rule.get().kind() == FaultInjector.Kind.GARBAGE) {
        write(exchange, new Reply(200, Map.of("Content-Type", "application/json"), GARBAGE), false);
        return;
      }
      Reply reply = answer(request);
      boolean reset = rule.isPresent() && rule.get().kind() == FaultInjector.Kind.RESET;
      write(exchange, reply, reset);
    } catch (IOException e) {
      LOG.debug("dev agent could not answer a request: {}", e.toString());
    }
  }

  private Reply answer(Request request) {
    try {
      return router.dispatch(request);
    } catch (ApiException e) {
      return e.reply();
    } catch (RuntimeException e) {
      LOG.warn("dev agent endpoint {} {} failed", request.method(), request.path(), e);
      return Reply.error(500, e.toString());
    }
  }

  private static Request read(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
              }
            });
    String rawQuery = exchange.getRequestURI().getRawQuery();
    return new Request(
        exchange.getRequestMethod(),
        exchange.getRequestURI().getPath(),
        rawQuery == null ? "" : rawQuery,
        Request.parseQuery(rawQuery),
        headers,
        body);
  }

  private void write(HttpExchange exchange, Reply reply, boolean resetMidBody) throws IOException {
    exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
    exchange.getResponseHeaders().set("X-Consul-Default-Acl-Policy", core.acls().defaultPolicy());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    byte[] body = reply.body();
    long length =
        body.length == 0 ? -1 : body.length > CHUNKED_ABOVE && !resetMidBody ? 0 : body.length;
    exchange.sendResponseHeaders(reply.status(), length);
    if (body.length == 0) {
      return;
    }
    OutputStream out = exchange.getResponseBody();
    if (resetMidBody) {
      out.write(body, 0, body.length / 2);
      out.flush();
      exchange.close();
      return;
    }
    out.write(body);
  }

  private static String redact(String rawQuery) {
    return rawQuery.replaceAll("(^|&)token=[^&]*", "$1token=<redacted>");
  }
}
