package dev.connectnative.internal.tls;

import dev.connectnative.IdentitySnapshot;
import dev.connectnative.LeafCertificate;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.StaticIdentitySource;
import dev.connectnative.TrustBundle;
import dev.connectnative.TrustDomainPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** Real TLS over loopback sockets between two Connect endpoints. */
final class Loopback implements AutoCloseable {
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "loopback-server");
            t.setDaemon(true);
            return t;
          });

  /** One side of a connection: a source and the service's TLS objects. */
  record Endpoint(
      StaticIdentitySource source,
      ConnectKeyManager keyManager,
      ConnectTrustManager trustManager,
      SSLContext context) {
    ServiceIdentity id() {
      return source.current().orElseThrow().leaf().id();
    }
  }

  static Endpoint endpoint(
      List<X509Certificate> chain, java.security.PrivateKey key, List<X509Certificate> roots) {
    return endpoint(
        new Pki.Leaf(chain, key),
        roots,
        List.of(),
        TrustDomainPolicy.OWN_TRUST_DOMAIN,
        Clock.systemUTC());
  }

  static Endpoint endpoint(Pki.Leaf leaf, List<X509Certificate> roots) {
    return endpoint(leaf, roots, List.of(), TrustDomainPolicy.OWN_TRUST_DOMAIN, Clock.systemUTC());
  }

  static Endpoint endpoint(
      Pki.Leaf leaf,
      List<X509Certificate> roots,
      List<X509Certificate> intermediates,
      TrustDomainPolicy policy,
      Clock clock) {
    LeafCertificate cert = LeafCertificate.of(leaf.chain(), leaf.key());
    TrustBundle trust =
        new TrustBundle(cert.id().trustDomain(), roots, intermediates, roots.get(0));
    StaticIdentitySource source = StaticIdentitySource.of(new IdentitySnapshot(trust, cert, 1));
    ConnectKeyManager km = new ConnectKeyManager(source);
    ConnectTrustManager tm = new ConnectTrustManager(source, policy, clock);
    return new Endpoint(source, km, tm, ConnectSslContexts.create(km, tm));
  }

  /** A server accepting any number of connections, echoing each byte it reads. */
  final class Server implements AutoCloseable {
    final SSLServerSocket socket;
    final BlockingQueue<SSLSocket> accepted = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();

    Server(Endpoint endpoint) throws IOException {
      socket =
          (SSLServerSocket)
              endpoint
                  .context()
                  .getServerSocketFactory()
                  .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      executor.execute(this::acceptLoop);
    }

    int port() {
      return socket.getLocalPort();
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        SSLSocket accepted;
        try {
          accepted = (SSLSocket) socket.accept();
        } catch (IOException e) {
          return;
        }
        executor.execute(() -> echo(accepted));
      }
    }

    private void echo(SSLSocket accepted) {
      try (accepted) {
        accepted.startHandshake();
        this.accepted.add(accepted);
        InputStream in = accepted.getInputStream();
        OutputStream out = accepted.getOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
          out.write(b);
          out.flush();
        }
      } catch (IOException e) {
        firstFailure.complete(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  Server serve(Endpoint endpoint) throws IOException {
    return new Server(endpoint);
  }

  /** Connects, registering {@code expected} when non-null, and completes a handshake. */
  static SSLSocket connect(Endpoint client, Server server, ServiceIdentity expected)
      throws IOException {
    SSLSocket socket = (SSLSocket) client.context().getSocketFactory().createSocket();
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 10_000);
    if (expected != null) {
      ExpectedPeers.expect(socket, expected);
    }
    try {
      socket.startHandshake();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  /** Sends one byte and reads the echo; in TLS 1.3 this is where a client learns it was refused. */
  static int roundTrip(SSLSocket socket, int value) throws IOException {
    socket.getOutputStream().write(value);
    socket.getOutputStream().flush();
    return socket.getInputStream().read();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
