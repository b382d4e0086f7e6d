package dev.connectnative.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.TlsProvider;
import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Client session resumption through {@link ConnectService#dial} against the dev agent, with the JDK
 * and the Conscrypt provider. A server-side authorization inside the handshake happens on full
 * handshakes only, and the accept path authorizes every connection once more: a full handshake
 * costs the server two authorizations, a resumed one a single one.
 */
class ResumptionTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentConfig config = AgentConfig.builder().address(agent.address()).build();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "resumption-test");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger authorizations = new AtomicInteger();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final List<Throwable> dialFailures = new CopyOnWriteArrayList<>();
  private ConnectService web;
  private ConnectService echo;
  private ServerSocket listening;

  private void start(TlsProvider provider) {
    start(provider, true, true);
  }

  private void start(TlsProvider provider, boolean clientResumes, boolean serverResumes) {
    agent.createIntention("web", "echo", IntentionAction.ALLOW);
    web =
        Connect.service("web")
            .agent(config)
            .tlsProvider(provider)
            .sessionResumption(clientResumes)
            .listener(
                new ConnectListener() {
                  @Override
                  public void onDialFailed(String target, String address, Throwable error) {
                    dialFailures.add(error);
                  }
                })
            .build();
    echo =
        Connect.service("echo")
            .agent(config)
            .tlsProvider(provider)
            .sessionResumption(serverResumes)
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

                  @Override
                  public void onConnectionRefused(ServiceIdentity client, String reason) {
                    refusals.add(reason);
                  }
                })
            .build();
    web.awaitReady(Duration.ofSeconds(10));
    echo.awaitReady(Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() throws IOException {
    if (listening != null) {
      listening.close();
    }
    pool.shutdownNow();
    if (web != null) {
      web.close();
    }
    if (echo != null) {
      echo.close();
    }
    agent.close();
  }

  private void serve(ServerSocket server) {
    listening = server;
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
  }

  private static void echoOnce(Socket accepted) {
    try (accepted) {
      int b = accepted.getInputStream().read();
      accepted.getOutputStream().write(b);
      accepted.getOutputStream().flush();
    } catch (IOException e) {
      // Refused: closed without an answer.
    }
  }

  private void serveConnect() throws IOException {
    serve(echo.serverSocket(new ServerSocket(0, 50, InetAddress.getLoopbackAddress())));
  }

  /** Dials echo, round-trips a byte, and returns how many authorizations the server made. */
  private int roundTrip() throws IOException {
    int before = authorizations.get();
    try (SSLSocket socket = web.dial("echo")) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      socket.getOutputStream().write(7);
      socket.getOutputStream().flush();
      if (socket.getInputStream().read() != 7) {
        throw new IOException("the server closed the connection without echoing");
      }
    }
    return authorizations.get() - before;
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void theSecondDialToAServiceResumesAndIsStillAuthorized(TlsProvider provider) throws IOException {
    start(provider);
    serveConnect();
    assertThat(roundTrip()).as("first connection: full handshake").isEqualTo(2);
    assertThat(roundTrip()).as("second connection: resumed").isEqualTo(1);
    assertThat(roundTrip()).as("third connection: resumed").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aServerWithoutResumptionMakesAFullHandshakeEveryTime(TlsProvider provider)
      throws IOException {
    start(provider, true, false);
    serveConnect();
    for (int i = 0; i < 3; i++) {
      assertThat(roundTrip()).as("connection %d: full handshake", i).isEqualTo(2);
    }
  }

  /**
   * JDK only: a Conscrypt client keeps the tickets a server issues it and offers them whatever its
   * settings; the server's setting decides there (see the test above).
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK"})
  void aClientWithoutResumptionMakesAFullHandshakeEveryTime(TlsProvider provider)
      throws IOException {
    start(provider, false, true);
    serveConnect();
    for (int i = 0; i < 3; i++) {
      assertThat(roundTrip()).as("connection %d: full handshake", i).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aSessionWithOneServiceIsNeverOfferedToAnother(TlsProvider provider) throws IOException {
    start(provider);
    serveConnect();
    agent.registerService("other", listening.getLocalPort());
    agent.createIntention("web", "other", IntentionAction.ALLOW);
    assertThat(roundTrip()).isEqualTo(2);
    IOException refused = null;
    try (SSLSocket socket = web.dial("other")) {
      socket.getInputStream().read();
    } catch (IOException e) {
      refused = e;
    }
    assertThat(refused).hasMessageContaining("but this connection expects");
    assertThat(dialFailures)
        .as("refused by the trust manager, so in a full handshake")
        .anySatisfy(e -> assertThat(e).hasRootCauseInstanceOf(CertificateException.class));
    assertThat(roundTrip()).as("echo's own session is still offered to echo").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aResumedSessionOfAClientDeniedSinceIsRefused(TlsProvider provider) throws Exception {
    start(provider);
    serveConnect();
    assertThat(roundTrip()).isEqualTo(2);
    assertThat(roundTrip()).isEqualTo(1);
    agent.upsertIntentionExact("web", "echo", IntentionAction.DENY);
    AuthorizationRequest request =
        new AuthorizationRequest(
            "echo", web.identity().leaf().id(), web.identity().leaf().serialNumber());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !echo.authorizer().authorize(request).get().allowed());
    int before = authorizations.get();
    refusals.clear();
    IOException refused = null;
    try {
      roundTrip();
    } catch (IOException e) {
      refused = e;
    }
    assertThat(refused).isNotNull();
    assertThat(authorizations.get() - before)
        .as("resumed: no in-handshake authorization")
        .isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !refusals.isEmpty());
    assertThat(refusals.get(0)).contains("not allowed to connect to echo");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void noSessionSurvivesARootRotation(TlsProvider provider) throws IOException {
    start(provider);
    serveConnect();
    assertThat(roundTrip()).isEqualTo(2);
    long webRevision = web.identity().revision();
    long echoRevision = echo.identity().revision();
    agent.rotateCa();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                web.identity().revision() > webRevision
                    && echo.identity().revision() > echoRevision);
    assertThat(web.identity().trust().roots()).hasSize(2);
    assertThat(roundTrip()).as("full handshake under the new roots").isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void noSessionSurvivesARenewalOfTheClientLeaf(TlsProvider provider) throws IOException {
    start(provider);
    serveConnect();
    assertThat(roundTrip()).isEqualTo(2);
    X509Certificate leaf = web.identity().leaf().certificate();
    agent.renewLeaf("web");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !web.identity().leaf().certificate().equals(leaf));
    assertThat(roundTrip()).as("full handshake with the new leaf").isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "CONSCRYPT"})
  void aPlainTlsServerSocketOfTheContextNeverResumes(TlsProvider provider) throws IOException {
    start(provider);
    serve(
        echo.sslContext()
            .getServerSocketFactory()
            .createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    for (int i = 0; i < 3; i++) {
      assertThat(roundTrip())
          .as("only the in-handshake authorization runs here, on every connection")
          .isEqualTo(1);
    }
  }
}
