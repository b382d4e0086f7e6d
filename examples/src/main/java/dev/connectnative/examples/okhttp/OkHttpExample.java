package dev.connectnative.examples.okhttp;

import dev.connectnative.ConnectService;
import dev.connectnative.examples.ConsulAdmin;
import dev.connectnative.examples.Example;
import dev.connectnative.examples.Mesh;
import dev.connectnative.examples.jetty.CallerServlet;
import dev.connectnative.examples.jetty.ConnectHttpServer;
import java.io.PrintStream;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code web} calls {@code https://echo.service.consul/} with OkHttp: the host name picks the
 * service, the instance comes from Consul, the server's identity is checked in the handshake. The
 * {@code echo} it calls is a Jetty Connect service started by the example. Run with {@code
 * ./demo.sh okhttp}.
 */
public final class OkHttpExample implements Example {
  private static final Duration READY = Duration.ofSeconds(60);

  /**
   * Runs the example against the agent of the environment and exits with its outcome.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Example.main(new OkHttpExample());
  }

  @Override
  public void run(Mesh mesh, PrintStream out) throws Exception {
    ConsulAdmin admin = mesh.admin();
    admin.allow("web", "echo");
    try (ConnectService echo = mesh.service("echo").build();
        ConnectService web = mesh.service("web").build();
        ConnectHttpServer jetty = ConnectHttpServer.start(echo)) {
      echo.awaitReady(READY);
      web.awaitReady(READY);
      String id = admin.register("echo", "127.0.0.1", jetty.port());
      OkHttpClient http = web.httpClient();
      try {
        Request request = new Request.Builder().url("https://echo.service.consul/").build();
        try (Response response = http.newCall(request).execute()) {
          String body = response.body().string();
          out.println("web GET https://echo.service.consul/ -> " + response.code());
          out.println("  " + body);
          Example.expect(response.code() == 200, "200 from echo, got " + response.code());
          String expected = CallerServlet.reply("echo", "/", web.identity().leaf().id());
          Example.expect(expected.equals(body), "the body \"" + expected + "\"");
        }
      } finally {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        admin.deregister(id);
      }
    } finally {
      admin.deleteIntention("web", "echo");
    }
  }
}
