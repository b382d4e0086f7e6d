package dev.connectnative;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import okhttp3.OkHttpClient;

/**
 * One service in the Connect mesh: its identity, followed from the local Consul agent (or another
 * {@link IdentitySource}), and the JSSE objects that terminate mutual TLS with it.
 *
 * <pre>{@code
 * try (ConnectService web = Connect.service("web").build()) {
 *   web.awaitReady(Duration.ofSeconds(10));
 *   SSLContext tls = web.sslContext();
 * }
 * }</pre>
 *
 * <p>The {@link SSLContext} is built once and never rebuilt: its key and trust managers read the
 * current identity on every handshake, so rotations reach new connections while open connections
 * carry on. Every connection made with it uses TLS 1.3 or 1.2 (from the JDK or Conscrypt, see
 * {@link Connect.Builder#tlsProvider}) and requires a client certificate in server mode. Sessions
 * are resumed only where every resumed connection is checked again: {@link #dial} resumes sessions
 * per target service and compares the server's identity after every handshake, and the server
 * sockets of {@link #serverSocket(int)} authorize every connection, resumed or not, and check that
 * the client's leaf is still valid; no session outlives a root or leaf rotation (with Conscrypt the
 * provider's context behind this one is replaced on each rotation to make sure of it). {@link
 * Connect.Builder#sessionResumption(boolean)} turns resumption off. Every other socket or engine of
 * the context performs a full handshake. A client-side handshake must know which service it means
 * to reach; connections that do not declare one are refused.
 *
 * <p>Implementations are thread-safe. {@link #close()} is idempotent and stops every thread the
 * service started; an executor or identity source passed to the builder is not closed.
 */
public interface ConnectService extends AutoCloseable {

  /**
   * Returns the service name this service acts as, as registered with Consul.
   *
   * @return the name, e.g. {@code web}
   */
  String name();

  /**
   * Tells whether trust roots and a leaf certificate are present, so handshakes can succeed.
   *
   * @return {@code true} when ready
   */
  boolean isReady();

  /**
   * Waits until the service is ready.
   *
   * @param timeout the longest time to wait
   * @throws NotReadyException if not ready within {@code timeout} (or the thread was interrupted,
   *     in which case its interrupt flag is set again); the message names what is missing and the
   *     agent's last answer, the cause is the last agent error if any
   */
  void awaitReady(Duration timeout);

  /**
   * Returns the identity in effect: trust bundle, leaf and revision.
   *
   * @return the current snapshot
   * @throws NotReadyException if the service is not ready yet
   */
  IdentitySnapshot identity();

  /**
   * Reports what the service has and the last error met while fetching its identity.
   *
   * @return the status
   */
  IdentityStatus status();

  /**
   * Returns the service's TLS context, built once with {@link #keyManager()} and {@link
   * #trustManager()}.
   *
   * @return the context; the same instance for the whole life of the service
   */
  SSLContext sslContext();

  /**
   * Returns the key manager presenting this service's current leaf (alias {@code "leaf-" +
   * revision}), for frameworks that build their own TLS context (e.g. Netty with OpenSSL).
   *
   * @return the key manager
   */
  X509ExtendedKeyManager keyManager();

  /**
   * Returns the trust manager validating peers against the current roots, for frameworks that build
   * their own TLS context.
   *
   * @return the trust manager
   */
  X509ExtendedTrustManager trustManager();

  /**
   * Connects to a healthy instance of {@code service} in the local datacenter, with the default
   * {@link DialOptions}; see {@link #dial(String, DialOptions)}.
   *
   * <pre>{@code
   * try (SSLSocket socket = web.dial("echo")) {
   *   socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
   * }
   * }</pre>
   *
   * @param service the service to reach
   * @return a connected socket whose handshake completed with a server presenting {@code service}'s
   *     identity
   * @throws IOException as {@link #dial(String, DialOptions)}
   */
  SSLSocket dial(String service) throws IOException;

  /**
   * Connects to an instance of {@code service} and completes the TLS handshake.
   *
   * <p>Instances come from the {@link #resolver()}: once a service has been dialed, its healthy
   * instances are followed with a blocking query and a dial makes no agent call. Instances are
   * tried round-robin from a random start; when one cannot be reached, or presents another
   * identity, the next is tried, within {@link DialOptions#timeout()}. The server's identity,
   * {@code spiffe://<td>/ns/<ns>/dc/<instance dc>/svc/<service>}, is checked inside the handshake,
   * so a wrong server never receives a byte. Runs on the calling thread; never waits longer than
   * the timeout.
   *
   * <p><b>When the server refuses us.</b> The server checks our certificate and asks its intentions
   * while it handles our side of the handshake. With TLS 1.2 its refusal (a TLS alert) arrives
   * before our handshake completes, and this method fails with an {@link
   * javax.net.ssl.SSLHandshakeException} ({@code server refused the TLS handshake (Received fatal
   * alert: certificate_unknown); its intentions may not allow "web" to connect}). With TLS 1.3, the
   * usual case, our handshake is complete as soon as we have sent our last handshake message,
   * before the server has decided, so the refusal usually arrives afterwards (one fast enough to
   * cut that last message short still fails this method): the returned socket's first read or write
   * then throws an {@link javax.net.ssl.SSLHandshakeException} naming the target, the address and
   * the alert ({@code server "echo" at 10.0.0.5:8443 refused this connection after the TLS
   * handshake (Received fatal alert: certificate_unknown); its intentions may not allow "web" to
   * connect. ...}), and {@link ConnectListener#onDialFailed} is told. A Connect server refusing a
   * resumed session (no certificate check in the handshake) can only close the connection, so the
   * first read returns {@code -1}. No byte the client wrote reaches the server application. A TLS
   * alert cannot tell a denied intention from a refused certificate, so the server's listener and
   * logs hold the precise reason.
   *
   * @param service the service to reach, or a prepared query's name or ID when {@link
   *     DialOptions#preparedQuery()} is set
   * @param options where to look and how long to wait
   * @return a connected socket, handshake completed; the caller closes it
   * @throws IOException if this service is not ready ({@code cannot dial "echo": service "web" not
   *     ready: ...}), no healthy instance exists ({@code no healthy instance of "echo" in dc1}),
   *     discovery failed or timed out, or every instance failed ({@code cannot connect to "echo":
   *     every instance failed (2): 10.0.0.5:8443: server presented spiffe://.../svc/db but this
   *     connection expects spiffe://.../svc/echo; ...})
   */
  SSLSocket dial(String service, DialOptions options) throws IOException;

  /**
   * Opens a server socket on {@code port} (all interfaces) whose accepted sockets are this
   * service's mutual-TLS connections; see {@link #serverSocket(ServerSocket)}.
   *
   * @param port the port, or {@code 0} for an ephemeral one
   * @return the bound server socket; the caller closes it
   * @throws IOException if the port cannot be bound
   */
  ServerSocket serverSocket(int port) throws IOException;

  /**
   * Wraps a plain server socket so that every socket {@code accept()} returns is a TLS connection
   * of this service, with the client's certificate required and checked against the roots, and the
   * client authorized by {@link #authorizer()}.
   *
   * <p>{@code accept()} returns without waiting for the handshake, so a client that stalls cannot
   * block it. The handshake and the authorization run on the thread that first uses the accepted
   * socket ({@code startHandshake()}, {@code getSession()}, or the first read, write or flush),
   * bounded by a 10 second handshake timeout and a 5 second authorization timeout; no application
   * byte is read or written before the client is authorized. This holds for resumed TLS sessions
   * too, which skip certificate checks in JSSE. A refused client gets a TLS alert (full handshake)
   * or a closed connection (resumed session), the first use of its socket throws an {@link
   * javax.net.ssl.SSLHandshakeException} naming the client and the reason, and the server socket
   * keeps accepting others. When the intentions change, accepted connections whose client is no
   * longer allowed are closed. {@link ConnectIdentity#of(javax.net.ssl.SSLSession)} gives the
   * caller's identity.
   *
   * <p>An {@link javax.net.ssl.SSLServerSocket} is refused: its TLS settings are not this service's
   * and could not be vouched for. A framework that wants to make its own TLS server sockets should
   * be given {@link #serverSocketFactory()} instead.
   *
   * @param plain a plain (not TLS) server socket, bound or not; the returned socket owns it
   * @return the wrapping server socket
   * @throws IOException if the wrapper cannot be created
   * @throws IllegalArgumentException if {@code plain} is already a TLS server socket
   */
  ServerSocket serverSocket(ServerSocket plain) throws IOException;

  /**
   * Returns a factory of server sockets like {@link #serverSocket(ServerSocket)}'s, for frameworks
   * that take a {@link ServerSocketFactory} or an {@link SSLServerSocketFactory} (RMI, Thrift,
   * hand-written accept loops):
   *
   * <pre>{@code
   * SSLServerSocketFactory factory = echo.serverSocketFactory();
   * try (ServerSocket server = factory.createServerSocket(8443)) {
   *   Socket client = server.accept();          // returns at once
   *   client.getInputStream().read();           // handshake + authorization, then data
   * }
   * }</pre>
   *
   * <p>Its server sockets are {@link javax.net.ssl.SSLServerSocket}s whose accepted sockets are
   * {@link javax.net.ssl.SSLSocket}s that complete the handshake and the client's authorization
   * before their first byte, exactly as {@link #serverSocket(ServerSocket)} describes. A framework
   * may narrow their protocols (TLS 1.3, TLS 1.2), cipher suites and ALPN protocols; settings that
   * would weaken mutual TLS (client mode, optional or no client authentication, older protocols)
   * throw {@link IllegalArgumentException}, so a misconfigured framework fails at start-up instead
   * of accepting unauthenticated clients.
   *
   * @return the factory; thread-safe
   */
  SSLServerSocketFactory serverSocketFactory();

  /**
   * Returns the authorizer that decides which clients may connect to this service: by default the
   * agent's {@code /v1/agent/connect/authorize}, cached (positive decisions 10 s, negative 2 s,
   * concurrent identical questions share one agent call) and failing closed when the agent errors.
   * Framework adapters authorize their connections with it.
   *
   * @return the authorizer
   */
  Authorizer authorizer();

  /**
   * Returns the resolver {@link #dial(String, DialOptions)} finds instances with.
   *
   * @return the resolver
   */
  Resolver resolver();

  /**
   * Returns an OkHttp client that calls other Connect services by host name, as this service:
   *
   * <pre>{@code
   * OkHttpClient http = web.httpClient();
   * Request request = new Request.Builder().url("https://echo.service.consul/hello").build();
   * try (Response response = http.newCall(request).execute()) { ... }
   * }</pre>
   *
   * <p>Same as {@code ConnectHttp.builder(this).okHttpClient()}; see {@link ConnectHttp} for the
   * host names, discovery through {@link #resolver()}, failover, pooling and HTTP/2, and {@link
   * ConnectHttp#builder(ConnectService)} for other settings. Each call builds a new client with its
   * own connection pool: keep the one you get and share it.
   *
   * @return a new client; valid while this service is open
   */
  default OkHttpClient httpClient() {
    return ConnectHttp.builder(this).okHttpClient();
  }

  /**
   * Returns a JDK HTTP client that calls other Connect services by host name, as this service. Same
   * as {@code ConnectHttp.builder(this).jdkHttpClient()}; see {@link
   * ConnectHttp.Builder#jdkHttpClient(java.util.function.Consumer)} for how it reaches instances.
   * Each call builds a new client: keep the one you get and share it.
   *
   * @return a new client; valid while this service is open
   */
  default HttpClient jdkHttpClient() {
    return ConnectHttp.builder(this).jdkHttpClient();
  }

  /** Stops the service's watches and threads. Idempotent; open connections are not closed. */
  @Override
  void close();
}
