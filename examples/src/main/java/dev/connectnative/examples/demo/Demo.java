package dev.connectnative.examples.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationDecision;
import dev.connectnative.AuthorizationRequest;
import dev.connectnative.ConnectException;
import dev.connectnative.ConnectIdentity;
import dev.connectnative.ConnectListener;
import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.examples.ConsulAdmin;
import dev.connectnative.examples.Mesh;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The demo: {@code web} calls {@code echo} over mutual TLS with identities from Consul, an
 * intention refuses it, the CA rotates under an open connection. Every step is checked; the process
 * exits 0 when the whole story held, 1 when a step misbehaved, 2 on an unexpected error.
 *
 * <p>Runs on the embedded dev agent, or on the real agent named by {@code CONSUL_HTTP_ADDR} (use a
 * throw-away agent such as {@code consul agent -dev}: the demo rotates its CA). With ACLs the token
 * needs {@code service:write} on {@code web} and {@code echo}, {@code service:read} and {@code
 * node:read} to discover {@code echo}, {@code intentions:write} on {@code echo} and {@code
 * operator:write} to rotate the CA.
 */
public final class Demo {
  /** How long services may take to get their first identity. */
  private static final Duration READY = Duration.ofSeconds(60);

  /** How long a change (registration, intention, CA) may take to reach the services. */
  private static final Duration PROPAGATION = Duration.ofSeconds(60);

  /** How long leaves may take to be re-issued after a rotation (Consul spreads it over 30 s). */
  private static final Duration ROTATION = Duration.ofSeconds(120);

  /** How long a reply may take on a loaded machine. */
  private static final Duration READ = Duration.ofSeconds(30);

  private static final DialOptions DIAL =
      DialOptions.builder()
          .handshakeTimeout(Duration.ofSeconds(30))
          .timeout(Duration.ofSeconds(60))
          .build();

  private final Mesh mesh;
  private final Story story;
  private final BlockingQueue<String> refused = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> revoked = new CompletableFuture<>();

  private Demo(Mesh mesh, PrintStream out) {
    this.mesh = requireNonNull(mesh, "mesh");
    this.story = new Story(out, 5);
  }

  /**
   * Runs the demo and exits the JVM with its outcome.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.exit(run(System.out));
  }

  /**
   * Runs the demo against the agent of the environment (or the embedded dev agent).
   *
   * @param out where the story is told
   * @return 0 when every step behaved, 1 when a step misbehaved, 2 on an unexpected error
   */
  public static int run(PrintStream out) {
    try (Mesh mesh = Mesh.start()) {
      return run(mesh, out);
    } catch (RuntimeException e) {
      out.println("DEMO FAILED: no agent to run against: " + e.getMessage());
      return 2;
    }
  }

  /**
   * Runs the demo against {@code mesh}.
   *
   * @param mesh the agent to run against; left open
   * @param out where the story is told
   * @return 0 when every step behaved, 1 when a step misbehaved, 2 on an unexpected error
   */
  public static int run(Mesh mesh, PrintStream out) {
    try {
      new Demo(mesh, out).tell();
      return 0;
    } catch (Story.StepFailed e) {
      out.println();
      out.println("DEMO FAILED at " + e.getMessage());
      return 1;
    } catch (ConsulAdmin.AdminException | ConnectException e) {
      out.println();
      out.println("DEMO FAILED: " + e.getMessage());
      out.println(
          "(With ACLs, CONSUL_HTTP_TOKEN needs service:write on web and echo, read on services and"
              + " nodes, intentions:write on echo and operator:write; see README.md.)");
      return 2;
    } catch (Exception e) {
      out.println();
      out.println("DEMO FAILED with an unexpected error:");
      e.printStackTrace(out);
      return 2;
    }
  }

  private void tell() throws IOException {
    story.opening(
        "connectnative demo: two JVM services talk mutual TLS with identities from Consul, no"
            + " sidecar.");
    story.chapter("The agent");
    story.say("Using " + mesh.description() + ".");
    if (mesh.embedded()) {
      story.say("(Set CONSUL_HTTP_ADDR to tell the same story against a real Consul agent.)");
    }
    ConsulAdmin admin = mesh.admin();
    admin.allow("web", "echo");
    story.say("Operator: intention web => echo set to allow.");
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ConnectService echo =
            mesh.service("echo")
                .register("127.0.0.1", plain.getLocalPort())
                .listener(new EchoEvents())
                .build();
        ConnectService web = mesh.service("web").build();
        EchoServer server = EchoServer.start(echo, plain)) {
      try {
        meet(echo, web, server.port());
        ServiceIdentity webId = web.identity().leaf().id();
        try (Conversation first = converse(web, "hello from web", webId)) {
          deny(admin, echo, web, first);
        }
        rotate(admin, echo, web, webId);
      } finally {
        cleanUp(admin);
      }
    }
    story.ending("The story held: every step behaved as expected.");
  }

  private void cleanUp(ConsulAdmin admin) {
    try {
      admin.deleteIntention("web", "echo");
    } catch (ConsulAdmin.AdminException e) {
      story.say("(The intention web => echo could not be deleted: " + e.getMessage() + ")");
    }
  }

  private void meet(ConnectService echo, ConnectService web, int port) {
    echo.awaitReady(READY);
    web.awaitReady(READY);
    X509Certificate root = web.identity().trust().activeRoot();
    story.say(
        "Trust domain " + web.identity().trust().trustDomain() + ", CA root " + cn(root) + ".");
    story.say(
        "echo: a Connect server socket on 127.0.0.1:"
            + port
            + ", registered with \"Connect\": {\"Native\": true}");
    story.say("      its identity is " + echo.identity().leaf().id());
    story.say("web:  its identity is " + web.identity().leaf().id());
    awaitUntil(
        "echo is healthy in the catalog",
        PROPAGATION,
        () -> !web.resolver().resolve("echo", DialOptions.DEFAULTS).get().isEmpty());
    story.say("echo is healthy in the catalog, so web can find it by name.");
  }

  private Conversation converse(ConnectService web, String line, ServiceIdentity webId)
      throws IOException {
    story.chapter("web dials echo by name");
    Conversation c;
    String reply;
    try {
      c = new Conversation(web.dial("echo", DIAL));
      reply = c.ask(line);
    } catch (IOException e) {
      story.require(false, "web to reach echo, but: " + e.getMessage());
      throw e;
    }
    ServiceIdentity server = ConnectIdentity.of(c.socket.getSession());
    story.say("web -> echo:   " + line);
    story.say("echo -> web:   " + reply);
    story.say("web verified the server in the handshake: " + server);
    story.check(
        server.service().equals("echo") && server.trustDomain().equals(webId.trustDomain()),
        "the server to be echo in our trust domain");
    story.check(
        EchoServer.reply(line, webId).equals(reply),
        "echo to answer the line and to have seen the caller as " + webId);
    return c;
  }

  private void deny(ConsulAdmin admin, ConnectService echo, ConnectService web, Conversation open)
      throws IOException {
    story.chapter("An intention denies web => echo");
    admin.deny("web", "echo");
    story.say("Operator: intention web => echo set to deny.");
    String why = await("echo to close web's open connection", revoked, PROPAGATION);
    story.say("echo closed the connection web had open: " + why);
    story.check(open.closedByPeer(), "web's open connection to be closed by echo");
    awaitDecision(echo, web, false);
    refused.clear();
    story.say("web dials echo again...");
    String clientSide;
    try (Conversation again = new Conversation(web.dial("echo", DIAL))) {
      String reply = again.ask("are you there?");
      story.require(reply == null, "no reply to a denied caller, but echo answered: " + reply);
      clientSide = "the connection closed without a reply";
    } catch (IOException e) {
      clientSide = e.getMessage();
    }
    story.say("web's dial was refused in the TLS handshake: " + clientSide);
    String serverSide = await("echo to report why it refused web", refused, PROPAGATION);
    story.say("The reason stays with echo: " + serverSide);
    story.check(serverSide.contains("/svc/web"), "echo's refusal to name web");
  }

  private void rotate(
      ConsulAdmin admin, ConnectService echo, ConnectService web, ServiceIdentity webId)
      throws IOException {
    story.chapter("web => echo allowed again");
    admin.allow("web", "echo");
    story.say("Operator: intention web => echo set back to allow.");
    awaitDecision(echo, web, true);
    try (Conversation open = new Conversation(web.dial("echo", DIAL))) {
      String line = "still friends?";
      String reply = open.ask(line);
      story.say("web -> echo:   " + line);
      story.say("echo -> web:   " + reply);
      story.check(EchoServer.reply(line, webId).equals(reply), "echo to answer web again");
      story.say("web keeps this connection open.");

      story.chapter("The CA rotates");
      X509Certificate oldRoot = web.identity().trust().activeRoot();
      long started = System.nanoTime();
      admin.rotateCa();
      story.say("Operator: the CA configuration gets a new root key; Consul cross-signs the new");
      story.say("root with the old one (" + cn(oldRoot) + ") and re-issues every leaf.");
      awaitUntil(
          "web and echo to hold leaves signed by the new root",
          ROTATION,
          () -> onNewRoot(web, oldRoot) && onNewRoot(echo, oldRoot));
      X509Certificate newRoot = web.identity().trust().activeRoot();
      story.say(
          String.format(
              "Both services got leaves from the new root %s after %.1f s, without a restart.",
              cn(newRoot), (System.nanoTime() - started) / 1e9));
      line = "after the rotation";
      reply = open.ask(line);
      story.say("On the connection opened before the rotation:");
      story.say("web -> echo:   " + line);
      story.say("echo -> web:   " + reply);
      story.check(
          EchoServer.reply(line, webId).equals(reply),
          "the connection opened before the rotation to keep working");
      try (Conversation fresh = new Conversation(web.dial("echo", DIAL))) {
        X509Certificate serverLeaf =
            (X509Certificate) fresh.socket.getSession().getPeerCertificates()[0];
        reply = fresh.ask(line);
        story.say(
            "A new dial: echo presents a leaf issued by "
                + cn(serverLeaf.getIssuerX500Principal())
                + ".");
        story.check(
            signedBy(serverLeaf, newRoot) && !signedBy(serverLeaf, oldRoot),
            "echo's new leaf to be signed by the new root");
        story.check(
            EchoServer.reply(line, webId).equals(reply), "echo to answer on the new connection");
      }
    }
  }

  private static boolean onNewRoot(ConnectService service, X509Certificate oldRoot) {
    IdentitySnapshot snapshot = service.identity();
    X509Certificate active = snapshot.trust().activeRoot();
    return !active.equals(oldRoot) && signedBy(snapshot.leaf().certificate(), active);
  }

  private void awaitDecision(ConnectService echo, ConnectService web, boolean allowed) {
    IdentitySnapshot caller = web.identity();
    AuthorizationRequest request =
        new AuthorizationRequest("echo", caller.leaf().id(), caller.leaf().serialNumber());
    awaitUntil(
        "echo's authorizer to " + (allowed ? "allow" : "deny") + " web",
        PROPAGATION,
        () -> {
          AuthorizationDecision decision =
              echo.authorizer().authorize(request).get(READ.toSeconds(), TimeUnit.SECONDS);
          return decision.allowed() == allowed;
        });
  }

  private void awaitUntil(String what, Duration timeout, Callable<Boolean> c) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(c);
    } catch (ConditionTimeoutException e) {
      story.require(false, what + " within " + timeout.toSeconds() + " s");
    }
  }

  private <T> T await(String what, CompletableFuture<T> future, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      story.require(false, what + " within " + timeout.toSeconds() + " s");
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  private <T> T await(String what, BlockingQueue<T> queue, Duration timeout) {
    try {
      T value = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      story.require(value != null, what + " within " + timeout.toSeconds() + " s");
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String cn(X509Certificate cert) {
    return cn(cert.getSubjectX500Principal());
  }

  private static String cn(X500Principal name) {
    return name.getName(X500Principal.RFC2253).replaceFirst("^CN=", "").replaceFirst(",.*$", "");
  }

  /** What echo's service reports about the connections it accepts. */
  private final class EchoEvents implements ConnectListener {
    @Override
    public void onConnectionRefused(ServiceIdentity client, String reason) {
      refused.add(reason);
    }

    @Override
    public void onConnectionRevoked(ServiceIdentity client, String reason) {
      revoked.complete(reason);
    }
  }

  /** One line-oriented connection from web to echo. */
  private static final class Conversation implements AutoCloseable {
    private final SSLSocket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    Conversation(SSLSocket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout((int) READ.toMillis());
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
      this.out = new PrintWriter(socket.getOutputStream(), true, UTF_8);
    }

    /** Sends a line and returns the reply, or {@code null} if echo closed the connection. */
    String ask(String line) throws IOException {
      out.println(line);
      if (out.checkError()) {
        throw new IOException("echo closed the connection before the line was sent");
      }
      return in.readLine();
    }

    /** Tells whether the peer has closed the connection (end of stream or a broken read). */
    boolean closedByPeer() {
      try {
        return in.readLine() == null;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
