package dev.connectnative.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.connectnative.AgentConfig;
import dev.connectnative.Connect;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.testkit.DevAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client threads dial and exchange bytes without pause while both services' leaves rotate several
 * times and the CA root rotates (cross-signed) twice. No connection and no round trip may fail, and
 * every handshake that starts after a rotation was published must present the new leaf, on both
 * sides. Sizes are small for CI; {@code -Dconnectnative.soak=true} runs a longer soak.
 */
class RotationUnderLoadTest {
  private static final Logger LOG = LoggerFactory.getLogger(RotationUnderLoadTest.class);
  private static final boolean SOAK = Boolean.getBoolean("connectnative.soak");
  private static final int CLIENTS = SOAK ? 8 : 4;
  private static final int LEAF_ROTATIONS = SOAK ? 20 : 3;
  private static final int CA_ROTATIONS = SOAK ? 6 : 2;
  private static final int ROUND_TRIPS_PER_CONNECTION = 3;
  private static final int CONNECTIONS_BETWEEN_ROTATIONS = SOAK ? 500 : 20;
  private static final Duration PROPAGATION = Duration.ofSeconds(30);

  /** Every leaf a service published, with the moment it was published (listener call). */
  private static final class Leaves implements ConnectListener {
    private record Published(long nanos, X509Certificate leaf) {}

    private final List<Published> published = new CopyOnWriteArrayList<>();

    void initial(IdentitySnapshot snapshot) {
      published.add(0, new Published(Long.MIN_VALUE, snapshot.leaf().certificate()));
    }

    /** Roots changes publish a snapshot too; only a new leaf counts here. */
    @Override
    public void onIdentityRotated(IdentitySnapshot previous, IdentitySnapshot current) {
      if (!previous.leaf().certificate().equals(current.leaf().certificate())) {
        published.add(new Published(System.nanoTime(), current.leaf().certificate()));
      }
    }

    int count() {
      return published.size();
    }

    /** Index of the newest leaf published before {@code nanos}. */
    int currentAt(long nanos) {
      int index = 0;
      for (int i = 0; i < published.size(); i++) {
        if (published.get(i).nanos() - nanos < 0) {
          index = i;
        }
      }
      return index;
    }

    int indexOf(Certificate leaf) {
      for (int i = 0; i < published.size(); i++) {
        if (published.get(i).leaf().equals(leaf)) {
          return i;
        }
      }
      return -1;
    }
  }

  @Test
  void noConnectionOrRoundTripFailsWhileLeavesAndRootsRotate() throws Exception {
    ThreadCensus census = ThreadCensus.take();
    Leaves echoLeaves = new Leaves();
    Leaves webLeaves = new Leaves();
    DialLoad load;
    int echoServed;
    long started = System.nanoTime();
    try (DevAgent agent = DevAgent.builder().leafRenewJitter(Duration.ZERO).start();
        ConnectService echo = service(agent, "echo", echoLeaves);
        ConnectService web = service(agent, "web", webLeaves)) {
      echo.awaitReady(PROPAGATION);
      web.awaitReady(PROPAGATION);
      echoLeaves.initial(echo.identity());
      webLeaves.initial(web.identity());
      try (EchoAcceptor server =
          new EchoAcceptor(
              echo.serverSocket(new ServerSocket(0, 200, InetAddress.getLoopbackAddress())))) {
        agent.registerService("echo", server.port());
        load = new DialLoad(web, ROUND_TRIPS_PER_CONNECTION, CLIENTS);
        try {
          load.awaitMoreConnections(CONNECTIONS_BETWEEN_ROTATIONS, PROPAGATION);
          for (int i = 0; i < LEAF_ROTATIONS; i++) {
            int echoBefore = echoLeaves.count();
            int webBefore = webLeaves.count();
            agent.renewLeaf("echo");
            agent.renewLeaf("web");
            await()
                .atMost(PROPAGATION)
                .until(() -> echoLeaves.count() > echoBefore && webLeaves.count() > webBefore);
            load.awaitMoreConnections(CONNECTIONS_BETWEEN_ROTATIONS, PROPAGATION);
          }
          for (int i = 0; i < CA_ROTATIONS; i++) {
            agent.rotateCa();
            X509Certificate root = agent.activeCa().rootCertificate();
            await().atMost(PROPAGATION).until(() -> signedBy(echo, root) && signedBy(web, root));
            load.awaitMoreConnections(CONNECTIONS_BETWEEN_ROTATIONS, PROPAGATION);
          }
        } finally {
          load.stop();
        }
        echoServed = server.served.get();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    String figures =
        String.format(
            "rotation under load: %d client threads, %d connections, %d round trips, %d leaf"
                + " rotations and %d CA rotations (echo published %d leaves, web %d), %d failed"
                + " connections, %.1f s",
            CLIENTS,
            load.connections.get(),
            load.roundTrips.get(),
            LEAF_ROTATIONS,
            CA_ROTATIONS,
            echoLeaves.count(),
            webLeaves.count(),
            load.failures.get(),
            seconds);
    LOG.info(figures);
    System.out.println(figures);

    assertThat(load.failureMessages).as("failures during rotation").isEmpty();
    assertThat(load.failures.get()).isZero();
    assertThat(load.roundTrips.get())
        .isEqualTo(load.connections.get() * ROUND_TRIPS_PER_CONNECTION);
    assertThat(echoServed).isGreaterThanOrEqualTo((int) load.connections.get());
    assertThat(echoLeaves.count()).isGreaterThanOrEqualTo(1 + LEAF_ROTATIONS + CA_ROTATIONS);
    assertThat(webLeaves.count()).isGreaterThanOrEqualTo(1 + LEAF_ROTATIONS + CA_ROTATIONS);
    for (DialLoad.Handshake h : load.handshakes) {
      assertThat(echoLeaves.indexOf(h.server()))
          .as("echo leaf presented to a dial that began after a rotation")
          .isGreaterThanOrEqualTo(echoLeaves.currentAt(h.startNanos()));
      assertThat(webLeaves.indexOf(h.client()))
          .as("web leaf presented by a dial that began after a rotation")
          .isGreaterThanOrEqualTo(webLeaves.currentAt(h.startNanos()));
    }
    census.assertNoLeak();
  }

  private static ConnectService service(DevAgent agent, String name, Leaves leaves) {
    return Connect.service(name)
        .agent(AgentConfig.builder().address(agent.address()).build())
        .listener(leaves)
        .build();
  }

  private static boolean signedBy(ConnectService service, X509Certificate root) {
    try {
      service.identity().leaf().certificate().verify(root.getPublicKey());
      return service.identity().trust().roots().contains(root);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
