package dev.connectnative.examples.readme;

import dev.connectnative.Connect;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.netty.ConnectNetty;
import dev.connectnative.netty.ConnectNettyServer;
import dev.connectnative.servlet.ConnectFilter;
import dev.connectnative.servlet.ConnectJetty;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/**
 * The code snippets of the repository's {@code README.md}, compiled. Each snippet lies between
 * {@code // snippet:<name>} and {@code // end:<name>}; {@code ReadmeSnippetsTest} fails when the
 * README's block marked {@code <!-- snippet:<name> -->} differs from it. Not meant to be run.
 */
public final class ReadmeSnippets {
  private ReadmeSnippets() {}

  static ConnectService service() {
    // snippet:service
    ConnectService web = Connect.service("web").build(); // agent from CONSUL_HTTP_ADDR etc.
    web.awaitReady(Duration.ofSeconds(30)); // roots and leaf fetched, watched from now on
    // end:service
    return web;
  }

  static void dial(ConnectService web) throws IOException {
    // snippet:dial
    // found through Consul; the server's identity is checked inside the TLS handshake
    try (SSLSocket socket = web.dial("echo")) {
      ServiceIdentity server = ConnectIdentity.of(socket.getSession()); // spiffe://…/svc/echo
      socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
    }
    // end:dial
  }

  static void serverSocket() throws IOException {
    // snippet:server-socket
    ConnectService echo = Connect.service("echo").register("10.0.0.7", 8443).build();
    try (ServerSocket server = echo.serverSocket(8443)) {
      while (true) {
        Socket client = server.accept(); // TLS + intention check before its first byte is read
        ServiceIdentity caller = ConnectIdentity.of(((SSLSocket) client).getSession());
        client.getInputStream().transferTo(client.getOutputStream());
      }
    }
    // end:server-socket
  }

  static void httpClient(ConnectService web) throws IOException {
    // snippet:http-client
    OkHttpClient http = web.httpClient(); // keep and share it
    Request request = new Request.Builder().url("https://echo.service.consul/hello").build();
    try (Response response = http.newCall(request).execute()) {
      System.out.println(response.body().string());
    }
    HttpClient jdk = web.jdkHttpClient(); // the same for java.net.http
    // end:http-client
  }

  static void adapters(ConnectService api, EventLoopGroup group, ChannelInitializer<Channel> app)
      throws Exception {
    // snippet:adapters
    // Jetty 12: a mutual-TLS connector, every connection authorized by the intentions
    Server jetty = new Server();
    ConnectJetty.addConnector(jetty, api, 8443);
    ServletContextHandler context = new ServletContextHandler();
    ConnectFilter.builder().service("api").authorizer(api.authorizer()).build().install(context);
    jetty.setHandler(context); // in a servlet: ConnectFilter.caller(request).orElseThrow()
    jetty.start();

    // Netty: the same, resumed sessions authorized too; handlers see PEER_IDENTITY
    ConnectNettyServer tls = ConnectNetty.server(api).childHandler(app).build();
    new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(tls)
        .bind(8444);
    // end:adapters
  }
}
