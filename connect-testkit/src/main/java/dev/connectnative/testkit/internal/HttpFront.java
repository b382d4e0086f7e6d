package dev.connectnative.testkit.internal;

import dev.connectnative.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the dev agent: records each request, applies faults, routes it and adds the
 * headers every Consul answer carries. Framing is left to {@link ResponseWriter}.
 */
public final class HttpFront {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
  private static final byte[] GARBAGE =
      "{\"this is\": not JSON, <html>".getBytes(StandardCharsets.UTF_8);

  /**
   * What to send for one request.
   *
   * @param reply the answer, with Consul's common headers
   * @param resetMidBody whether to send half the body and then reset the connection
   */
  public record Outcome(Reply reply, boolean resetMidBody) {}

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

  /** Records {@code request}, applies the first matching fault and answers it. */
  public Outcome handle(Request request) {
    log.add(new RecordedRequest(request.method(), request.path(), redact(request.rawQuery())));
    Optional<FaultInjector.Rule> rule = faults.match(request.path());
    if (rule.isPresent() && rule.get().kind() == FaultInjector.Kind.STALL) {
      FaultInjector.hold(rule.get());
      rule = faults.match(request.path()).filter(r -> r.kind() != FaultInjector.Kind.STALL);
    }
    FaultInjector.Kind kind = rule.map(FaultInjector.Rule::kind).orElse(null);
    Reply reply;
    if (kind == FaultInjector.Kind.FAIL) {
      reply = Reply.error(rule.get().status(), rule.get().body());
    } else if (kind == FaultInjector.Kind.GARBAGE) {
      reply = new Reply(200, Map.of("Content-Type", "application/json"), GARBAGE);
    } else {
      reply = answer(request);
    }
    Reply common =
        reply
            .with("Vary", "Accept-Encoding")
            .with("X-Consul-Default-Acl-Policy", core.acls().defaultPolicy());
    return new Outcome(common, kind == FaultInjector.Kind.RESET);
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

  private static String redact(String rawQuery) {
    return rawQuery.replaceAll("(^|&)token=[^&]*", "$1token=<redacted>");
  }
}
