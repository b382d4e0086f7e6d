package dev.connectnative;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;

import dev.connectnative.testkit.DevAgent;
import dev.connectnative.testkit.IntentionAction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectService#serverSocketFactory()} handed to code written for any {@link
 * SSLServerSocketFactory}: it configures the server socket the usual JSSE way, accepts in a loop
 * and hands each {@link SSLSocket} to a worker, and gets Connect's handshake and authorization.
 */
class SslServerSocketFactoryTest {
  private final DevAgent agent = DevAgent.builder().start();
  private final AgentConfig agentConfig = AgentConfig.builder().address(agent.address()).build();
  private final BlockingQueue<Object> served = new LinkedBlockingQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "connect-sslfactory-test");
            t.setDaemon(true);
            return t;
          });
  private ConnectService echo;
  private SSLServerSocket server;

  @BeforeEach
  void start() throws IOException {
    echo = Connect.service("echo").agent(agentConfig).build();
    echo.awaitReady(Duration.ofSeconds(10));
    server = frameworkStyleServer(echo.serverSocketFactory());
    agent.registerService("echo", server.getLocalPort());
    pool.execute(this::acceptLoop);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    pool.shutdownNow();
    echo.close();
    agent.close();
  }

  /** What a framework given an {@code SSLServerSocketFactory} typically does. */
  private static SSLServerSocket frameworkStyleServer(SSLServerSocketFactory factory)
      throws IOException {
    SSLServerSocket s =
        (SSLServerSocket) factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    s.setNeedClientAuth(true);
    s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    s.setEnabledCipherSuites(factory.getDefaultCipherSuites());
    return s;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        SSLSocket socket = (SSLSocket) server.accept();
        accepted.incrementAndGet();
        pool.execute(() -> serve(socket));
      } catch (IOException e) {
        if (!server.isClosed()) {
          served.add(e);
        }
      }
    }
  }

  private void serve(SSLSocket socket) {
    try (socket) {
      socket.startHandshake();
      served.add(ConnectIdentity.of(socket.getSession()));
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      out.write(in.readNBytes(4));
      out.flush();
      in.read();
    } catch (IOException | RuntimeException e) {
      served.add(e);
    }
  }

  private static String exchange(SSLSocket socket) throws IOException {
    socket.getOutputStream().write("ping".getBytes(UTF_8));
    socket.getOutputStream().flush();
    return new String(socket.getInputStream().readNBytes(4), UTF_8);
  }

  @Test
  void anAcceptLoopOverTheFactoryServesAuthorizedClientsAndRefusesDeniedOnes() throws Exception {
    agent.createIntention("db", "echo", IntentionAction.DENY);
    try (ConnectService web = Connect.service("web").agent(agentConfig).build();
        ConnectService db = Connect.service("db").agent(agentConfig).build()) {
      web.awaitReady(Duration.ofSeconds(10));
      db.awaitReady(Duration.ofSeconds(10));

      try (SSLSocket socket = web.dial("echo")) {
        assertThat(exchange(socket)).isEqualTo("ping");
      }
      assertThat(served.poll(10, TimeUnit.SECONDS))
          .isEqualTo(ServiceIdentity.of(agent.trustDomain(), "dc1", "web"));

      assertThatThrownBy(
              () -> {
                try (SSLSocket refused = db.dial("echo")) {
                  exchange(refused);
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(served.poll(10, TimeUnit.SECONDS))
          .asInstanceOf(THROWABLE)
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining(agent.serviceUri("db"))
          .hasMessageContaining("DENY");

      try (SSLSocket again = web.dial("echo")) {
        assertThat(exchange(again)).as("the loop keeps accepting").isEqualTo("ping");
      }
      assertThat(accepted.get()).isEqualTo(3);
    }
  }

  @Test
  void aClientWithoutACertificateNeverReachesTheWorker() throws Exception {
    SSLContext anonymous = SSLContext.getInstance("TLS");
    anonymous.init(null, new TrustManager[] {new TrustAnything()}, null);
    try (SSLSocket plain =
        (SSLSocket)
            anonymous
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      assertThatThrownBy(() -> exchange(plain)).isInstanceOf(IOException.class);
    }
    assertThat(served.poll(10, TimeUnit.SECONDS))
        .asInstanceOf(THROWABLE)
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void settingsThatWouldWeakenMutualTlsAreRefused() throws Exception {
    assertThatThrownBy(() -> server.setNeedClientAuth(false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requires client certificates");
    assertThatThrownBy(() -> server.setWantClientAuth(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot make them optional");
    assertThatThrownBy(() -> server.setUseClientMode(true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.setEnabledProtocols(new String[] {"TLSv1.1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("protocol TLSv1.1 is not allowed");
    assertThatThrownBy(() -> server.setEnabledCipherSuites(new String[] {"TLS_NULL_WITH_NULL"}))
        .isInstanceOf(IllegalArgumentException.class);
    SSLParameters optional = server.getSSLParameters();
    optional.setWantClientAuth(true);
    assertThatThrownBy(() -> server.setSSLParameters(optional))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needClientAuth");

    server.setWantClientAuth(false);
    server.setEnabledProtocols(new String[] {"TLSv1.2"});
    assertThat(server.getNeedClientAuth()).isTrue();
    assertThat(server.getUseClientMode()).isFalse();
    assertThat(server.getEnabledProtocols()).containsExactly("TLSv1.2");
    assertThat(server.getSupportedProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    try (ServerSocket second = echo.serverSocketFactory().createServerSocket()) {
      assertThat(second).isInstanceOf(SSLServerSocket.class);
      assertThatThrownBy(() -> echo.serverSocket(second))
          .as("a Connect server socket is not wrapped twice")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void narrowedProtocolsApplyToTheConnectionsAcceptedAfterwards() throws Exception {
    server.setEnabledProtocols(new String[] {"TLSv1.2"});
    try (ConnectService web = Connect.service("web").agent(agentConfig).build()) {
      web.awaitReady(Duration.ofSeconds(10));
      try (SSLSocket socket = web.dial("echo")) {
        assertThat(exchange(socket)).isEqualTo("ping");
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      }
    }
  }

  /** Trusts any server: the client under test only lacks a certificate of its own. */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("client only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // accepts every server: this client is meant to fail for lacking a certificate
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
      throw new UnsupportedOperationException("client only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {
      // accepts every server: this client is meant to fail for lacking a certificate
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // accepts every server: this client is meant to fail for lacking a certificate
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
