package dev.connectnative.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.connectnative.AgentConfig;
import dev.connectnative.AgentException;
import dev.connectnative.internal.agent.AgentClient;
import dev.connectnative.internal.agent.HealthQuery;
import dev.connectnative.internal.agent.QueryOptions;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Every agent answer the library decodes (roots, leaf, authorize, health, prepared query,
 * intentions) is fed fuzzed bodies and {@code X-Consul-Index} headers through a real {@link
 * AgentClient}; an OkHttp interceptor stands in for the network. Decoding either succeeds or fails
 * with {@link AgentException}; nothing else escapes. Seeds: {@code AgentJsonFuzzTestInputs/}.
 */
class AgentJsonFuzzTest {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final AtomicReference<String> INDEX = new AtomicReference<>("1");
  private static final AtomicReference<String> BODY = new AtomicReference<>("{}");
  private static final AgentClient CLIENT =
      AgentClient.create(
          AgentConfig.builder().address("127.0.0.1:8500").build(),
          new OkHttpClient.Builder()
              .addInterceptor(
                  chain ->
                      new Response.Builder()
                          .request(chain.request())
                          .protocol(Protocol.HTTP_1_1)
                          .code(200)
                          .message("OK")
                          .header("X-Consul-Index", INDEX.get())
                          .body(ResponseBody.create(BODY.get(), JSON))
                          .build())
              .build());

  @FuzzTest(maxDuration = "30s")
  void agentAnswers(FuzzedDataProvider data) {
    int endpoint = data.consumeInt(0, 5);
    INDEX.set(data.consumeAsciiString(24).replaceAll("[^\\x20-\\x7e]", ""));
    BODY.set(data.consumeRemainingAsString());
    try {
      switch (endpoint) {
        case 0:
          CLIENT.roots(QueryOptions.NONE);
          break;
        case 1:
          CLIENT.leaf("web", QueryOptions.NONE);
          break;
        case 2:
          CLIENT.authorize("echo", "spiffe://x.consul/ns/default/dc/dc1/svc/web", "01");
          break;
        case 3:
          CLIENT.healthConnect("echo", HealthQuery.PASSING, QueryOptions.NONE);
          break;
        case 4:
          CLIENT.executePreparedQuery("echo-query", QueryOptions.NONE);
          break;
        default:
          CLIENT.intentionsMatch("echo", QueryOptions.NONE);
          break;
      }
    } catch (AgentException refused) {
      // Decoding failures are reported as agent errors, which is what the watches expect.
    }
  }
}
