package dev.connectnative.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.TlsProvider;
import dev.connectnative.internal.service.DefaultConnectService;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dial and accept through {@link ConnectService}s built with each {@link TlsProvider}, mixed on
 * both ends, against the dev agent: real handshakes, authorization of every connection, intentions
 * enforced.
 */
class ConnectServiceProvidersTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentConfig config = AgentConfig.builder().address(agent.address()).build();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "providers-test");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger authorizations = new AtomicInteger();
  private ServerSocket listening;

  @AfterEach
  void stop() throws IOException {
    if (listening != null) {
      listening.close();
    }
    pool.shutdownNow();
    agent.close();
  }

  private ConnectService service(String name, TlsProvider provider) {
    ConnectService service =
        Connect.service(name)
            .agent(config)
            .tlsProvider(provider)
            .listener(
                new ConnectListener() {
                  @Override
                  public void onAuthorizationCacheHit(AuthorizationRequest request) {
                    authorizations.incrementAndGet();
                  }

                  @Override
                  public void onAuthorizationCacheMiss(AuthorizationRequest request) {
                    authorizations.incrementAndGet();
                  }
                })
            .build();
    service.awaitReady(Duration.ofSeconds(10));
    return service;
  }

  private void echoServer(ConnectService echo) throws IOException {
    ServerSocket server =
        echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    agent.registerService("echo", server.getLocalPort());
    pool.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket accepted = server.accept();
              pool.execute(() -> echoOnce(accepted));
            } catch (IOException e) {
              return;
            }
          }
        });
    listening = server;
  }

  private static void echoOnce(Socket accepted) {
    try (accepted) {
      int b = accepted.getInputStream().read();
      accepted.getOutputStream().write(b);
      accepted.getOutputStream().flush();
    } catch (IOException e) {
      // A refused client: the socket is closed, nothing to echo.
    }
  }

  @ParameterizedTest
  @CsvSource({"CONSCRYPT,CONSCRYPT", "JDK,CONSCRYPT", "CONSCRYPT,JDK", "AUTO,AUTO"})
  void dialsAndAcceptsWithEveryProviderMix(TlsProvider client, TlsProvider server)
      throws Exception {
    agent.createIntention("web", "echo", IntentionAction.ALLOW);
    try (ConnectService web = service("web", client);
        ConnectService echo = service("echo", server)) {
      echoServer(echo);
      assertThat(((DefaultConnectService) web).tlsProvider())
          .isEqualTo(client == TlsProvider.JDK ? TlsProvider.JDK : TlsProvider.CONSCRYPT);
      assertThat(web.sslContext().getProvider().getName())
          .isEqualTo(client == TlsProvider.JDK ? "SunJSSE" : "Conscrypt");
      for (int i = 0; i < 3; i++) {
        try (SSLSocket socket = web.dial("echo")) {
          assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
          socket.getOutputStream().write(40 + i);
          socket.getOutputStream().flush();
          assertThat(socket.getInputStream().read()).isEqualTo(40 + i);
        }
      }
      assertThat(authorizations.get())
          .as("every accepted connection is authorized")
          .isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aDeniedClientIsRefusedUnderConscrypt() throws Exception {
    agent.createIntention("web", "echo", IntentionAction.DENY);
    try (ConnectService web = service("web", TlsProvider.CONSCRYPT);
        ConnectService echo = service("echo", TlsProvider.CONSCRYPT)) {
      echoServer(echo);
      assertThatThrownBy(
              () -> {
                try (SSLSocket socket = web.dial("echo")) {
                  socket.getOutputStream().write(1);
                  socket.getOutputStream().flush();
                  if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed by the server");
                  }
                }
              })
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aConscryptClientKeepsDialingAcrossARootRotation() throws Exception {
    agent.createIntention("web", "echo", IntentionAction.ALLOW);
    try (ConnectService web = service("web", TlsProvider.CONSCRYPT);
        ConnectService echo = service("echo", TlsProvider.JDK)) {
      echoServer(echo);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 2; i++) {
          try (SSLSocket socket = web.dial("echo")) {
            socket.getOutputStream().write(i);
            socket.getOutputStream().flush();
            assertThat(socket.getInputStream().read()).isEqualTo(i);
          }
        }
        long before = web.identity().revision();
        agent.rotateCa();
        await().atMost(Duration.ofSeconds(10)).until(() -> web.identity().revision() > before);
      }
    }
  }

  @Test
  void theProviderIsChosenOnce() {
    Connect.Builder builder = Connect.service("web").tlsProvider(TlsProvider.JDK);
    assertThatThrownBy(() -> builder.tlsProvider(TlsProvider.CONSCRYPT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("tlsProvider is already set");
    assertThatThrownBy(() -> Connect.service("web").tlsProvider(null))
        .isInstanceOf(NullPointerException.class);
  }
}
