package dev.connectnative.examples.jetty;

import dev.connectnative.ConnectService;
import dev.connectnative.examples.ConsulAdmin;
import dev.connectnative.examples.Example;
import dev.connectnative.examples.Mesh;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Jetty serves {@code api} in the mesh and answers with the caller's identity; {@code web} calls
 * {@code https://api.service.consul/hello} with the JDK HTTP client. Run with {@code ./demo.sh
 * jetty}.
 */
public final class JettyExample implements Example {
  private static final Duration READY = Duration.ofSeconds(60);

  /**
   * Runs the example against the agent of the environment and exits with its outcome.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Example.main(new JettyExample());
  }

  @Override
  public void run(Mesh mesh, PrintStream out) throws Exception {
    ConsulAdmin admin = mesh.admin();
    admin.allow("web", "api");
    try (ConnectService api = mesh.service("api").build();
        ConnectService web = mesh.service("web").build();
        ConnectHttpServer jetty = ConnectHttpServer.start(api)) {
      api.awaitReady(READY);
      web.awaitReady(READY);
      String id = admin.register("api", "127.0.0.1", jetty.port());
      out.println(
          "Jetty serves api on 127.0.0.1:" + jetty.port() + " (mutual TLS, Connect-native).");
      try {
        HttpClient http = web.jdkHttpClient();
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("https://api.service.consul/hello"))
                .timeout(READY)
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        out.println("web GET https://api.service.consul/hello -> " + response.statusCode());
        out.println("  " + response.body());
        Example.expect(response.statusCode() == 200, "200 from api, got " + response.statusCode());
        String expected = CallerServlet.reply("api", "/hello", web.identity().leaf().id());
        Example.expect(expected.equals(response.body()), "the body \"" + expected + "\"");
      } finally {
        admin.deregister(id);
      }
    } finally {
      admin.deleteIntention("web", "api");
    }
  }
}
