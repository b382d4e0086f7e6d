package dev.connectnative;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.connectnative.testkit.DevAgent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@link Connect#dial(String)} with the process-wide default service. The only test that sets the
 * default, because it lasts as long as the JVM.
 */
class ConnectDefaultServiceTest {

  @Test
  void staticDialUsesTheDefaultService() throws Exception {
    assertThat(System.getenv(Connect.SERVICE_ENV)).as("test environment").isNull();
    System.clearProperty(Connect.SERVICE_PROPERTY);
    assertThatThrownBy(Connect::defaultService)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "no default Connect service: set the system property connectnative.service or the"
                + " environment variable CONNECT_SERVICE_NAME to this service's name, or call"
                + " Connect.setDefaultService");

    try (DevAgent agent = DevAgent.builder().start()) {
      AgentConfig config = AgentConfig.builder().address(agent.address()).build();
      try (ConnectService echo = Connect.service("echo").agent(config).build();
          ConnectService web = Connect.service("web").agent(config).build();
          ServerSocket server = echo.serverSocket(0)) {
        agent.registerService("echo", server.getLocalPort());
        echo.awaitReady(Duration.ofSeconds(30));
        web.awaitReady(Duration.ofSeconds(30));
        Thread accept =
            new Thread(
                () -> {
                  try (Socket s = server.accept()) {
                    s.getOutputStream().write(s.getInputStream().readNBytes(5));
                    s.getOutputStream().flush();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                },
                "default-service-test-accept");
        accept.setDaemon(true);
        accept.start();
        Connect.setDefaultService(web);
        try (SSLSocket socket =
            Connect.dial("echo", DialOptions.builder().timeout(Duration.ofSeconds(10)).build())) {
          socket.getOutputStream().write("hello".getBytes(UTF_8));
          socket.getOutputStream().flush();
          assertThat(new String(socket.getInputStream().readNBytes(5), UTF_8)).isEqualTo("hello");
        }
        assertThat(Connect.defaultService()).isSameAs(web);
        assertThatThrownBy(() -> Connect.setDefaultService(echo))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("the default service is already \"web\"");
      }
    }
  }
}
