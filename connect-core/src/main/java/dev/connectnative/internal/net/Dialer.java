package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectException;
import dev.connectnative.DialOptions;
import dev.connectnative.IdentitySnapshot;
import dev.connectnative.IdentitySource;
import dev.connectnative.IdentityStatus;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.NotReadyException;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.tls.ConnectSslContexts;
import dev.connectnative.internal.tls.ExpectedPeers;
import dev.connectnative.internal.tls.SessionValidity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to a service: resolves its instances, picks them round-robin from a random start, and
 * for each one opens TCP, registers the identity the server must present and runs the TLS
 * handshake, so the trust manager refuses a wrong server before any application byte moves. An
 * instance that fails is followed by the next one until all were tried or the overall timeout is
 * up.
 *
 * <p>Client sessions are resumed per target: the name the provider keys its client session cache by
 * (and sends as SNI) is the service's Consul SNI ({@code <service>.<namespace>.<dc>.internal.
 * <trust-domain>}) with the instance's port, so a session made with one service is never offered to
 * another, and a session is only offered under the identity revision it was made with (see {@link
 * ConnectSslContexts#allowResumption}), so no session survives a root or leaf rotation; the cache
 * is also emptied on every rotation. A resumed session skips the trust manager, so the peer
 * identity of every handshake is compared with the expected one afterwards. Thread-safe.
 */
public final class Dialer {
  private static final Logger LOG = LoggerFactory.getLogger(Dialer.class);

  private final String self;
  private final SSLContext context;
  private final SSLSocketFactory tls;
  private final SSLSessionContext clientSessions;
  private final IdentitySource identity;
  private final Resolver resolver;
  private final ConnectEvents events;
  private final AtomicInteger next;
  private final ScheduledExecutorService deadlines;
  private final Clock clock;

  /**
   * Creates a dialer that checks certificate expiry with the system clock.
   *
   * @see #Dialer(String, SSLContext, IdentitySource, Resolver, ConnectEvents, Random,
   *     ScheduledExecutorService, Clock)
   */
  public Dialer(
      String self,
      SSLContext context,
      IdentitySource identity,
      Resolver resolver,
      ConnectEvents events,
      Random random,
      ScheduledExecutorService deadlines) {
    this(self, context, identity, resolver, events, random, deadlines, Clock.systemUTC());
  }

  /**
   * Creates a dialer.
   *
   * @param self this service's name, for messages
   * @param context the service's TLS context (key manager with our leaf, Connect trust manager)
   * @param identity where the trust domain comes from; its root changes drop client sessions
   * @param resolver finds instances
   * @param events where dial outcomes are reported
   * @param random picks the first instance to try
   * @param deadlines closes connections whose handshake overruns its timeout
   * @param clock the time our leaf and resumed sessions' certificates are checked at (the trust
   *     manager's)
   */
  public Dialer(
      String self,
      SSLContext context,
      IdentitySource identity,
      Resolver resolver,
      ConnectEvents events,
      Random random,
      ScheduledExecutorService deadlines,
      Clock clock) {
    this.self = requireNonNull(self, "self");
    this.context = requireNonNull(context, "context");
    this.tls = context.getSocketFactory();
    this.clientSessions = context.getClientSessionContext();
    this.identity = requireNonNull(identity, "identity");
    this.resolver = requireNonNull(resolver, "resolver");
    this.events = SafeEvents.of(requireNonNull(events, "events"));
    this.deadlines = requireNonNull(deadlines, "deadlines");
    this.clock = requireNonNull(clock, "clock");
    this.next = new AtomicInteger(requireNonNull(random, "random").nextInt(Integer.MAX_VALUE));
    identity.addListener(
        (previous, current) -> {
          if (previous.isPresent()
              && (!previous.get().trust().equals(current.trust())
                  || !previous.get().leaf().equals(current.leaf()))) {
            dropClientSessions();
          }
        });
  }

  /**
   * Dials {@code name}.
   *
   * @param name the service (or prepared query) to reach
   * @param options where to look and how long to wait
   * @return a connected socket whose handshake has completed with a server presenting the expected
   *     identity; with TLS 1.3 the server may still refuse us after that, which the socket's first
   *     read or write reports as an {@link SSLHandshakeException} naming the target (see {@link
   *     DialedSocket})
   * @throws IOException if this service has no identity yet, no healthy instance exists, every
   *     instance failed, or the timeout passed; the message names the service and each failure
   */
  public SSLSocket dial(String name, DialOptions options) throws IOException {
    requireNonNull(name, "name");
    requireNonNull(options, "options");
    long deadline = System.nanoTime() + options.timeout().toNanos();
    IdentitySnapshot snapshot = ready(name);
    checkOwnLeaf(name, snapshot);
    String where = options.datacenter().orElse(snapshot.leaf().id().datacenter());
    List<ServiceInstance> instances = resolve(name, options, deadline);
    if (instances.isEmpty()) {
      IOException e = new IOException("no healthy instance of \"" + name + "\" in " + where);
      events.dialFailed(name, null, e);
      throw e;
    }
    List<String> failures = new ArrayList<>();
    for (ServiceInstance instance : order(instances)) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        failures.add("timed out after " + options.timeout().toMillis() + " ms");
        break;
      }
      try {
        return connect(name, instance, snapshot, options, remaining);
      } catch (IOException | ConnectException e) {
        String why = describe(e);
        failures.add(instance.address() + ": " + why);
        LOG.debug("dialing {} at {} failed: {}", name, instance.address(), why);
        events.dialFailed(name, instance.address(), e);
      }
    }
    throw new IOException(
        "cannot connect to \""
            + name
            + "\": "
            + (failures.size() == 1 ? "" : "every instance failed (" + instances.size() + "): ")
            + String.join("; ", failures));
  }

  private IdentitySnapshot ready(String name) throws IOException {
    Optional<IdentitySnapshot> snapshot = identity.current();
    if (snapshot.isPresent()) {
      return snapshot.get();
    }
    IdentityStatus status = identity.status();
    StringBuilder why = new StringBuilder("service \"").append(self).append("\" not ready: no ");
    why.append(status.missing().isEmpty() ? "identity" : String.join(" and no ", status.missing()));
    why.append(" yet");
    status.lastError().ifPresent(e -> why.append("; last error: ").append(e.getMessage()));
    NotReadyException cause =
        new NotReadyException(why.toString(), status.lastError().orElse(null));
    IOException e = new IOException("cannot dial \"" + name + "\": " + cause.getMessage(), cause);
    events.dialFailed(name, null, e);
    throw e;
  }

  private List<ServiceInstance> resolve(String name, DialOptions options, long deadline)
      throws IOException {
    if (options.staticInstance().isPresent()) {
      return List.of(options.staticInstance().get());
    }
    try {
      return resolver
          .resolve(name, options)
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      IOException failure =
          new IOException("cannot dial \"" + name + "\": " + cause.getMessage(), cause);
      events.dialFailed(name, null, failure);
      throw failure;
    } catch (TimeoutException e) {
      IOException failure =
          new IOException(
              "cannot dial \""
                  + name
                  + "\": no discovery answer within "
                  + options.timeout().toMillis()
                  + " ms",
              e);
      events.dialFailed(name, null, failure);
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while resolving \"" + name + "\"");
    }
  }

  private List<ServiceInstance> order(List<ServiceInstance> instances) {
    List<ServiceInstance> ordered = new ArrayList<>(instances);
    Collections.rotate(ordered, -Math.floorMod(next.getAndIncrement(), ordered.size()));
    return ordered;
  }

  private SSLSocket connect(
      String name,
      ServiceInstance instance,
      IdentitySnapshot snapshot,
      DialOptions options,
      long remainingNanos)
      throws IOException {
    ServiceIdentity expected = instance.expectedIdentity(snapshot.trust().trustDomain());
    int connectMillis = millis(options.connectTimeout().toNanos(), remainingNanos);
    Socket raw = new Socket();
    SSLSocket ssl = null;
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(instance.host(), instance.port()), connectMillis);
      ssl = (SSLSocket) tls.createSocket(raw, sessionKey(expected), instance.port(), true);
      ConnectSslContexts.allowResumption(context, ssl, snapshot);
      ssl.setUseClientMode(true);
      ExpectedPeers.expect(ssl, expected);
      long left = remainingNanos - TimeUnit.MILLISECONDS.toNanos(connectMillis);
      int handshakeMillis = millis(options.handshakeTimeout().toNanos(), Math.max(left, 1_000_000));
      ssl.setSoTimeout(handshakeMillis);
      try (HandshakeDeadline deadline =
          HandshakeDeadline.arm(deadlines, raw, Duration.ofMillis(handshakeMillis))) {
        handshake(ssl, deadline);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException(
            "no TLS handshake within " + options.handshakeTimeout().toMillis() + " ms");
      } catch (SSLException e) {
        if (e.getMessage() == null || !e.getMessage().startsWith("Received fatal alert")) {
          throw e;
        }
        throw new SSLHandshakeException(refusedBy("refused the TLS handshake", e));
      } catch (IOException e) {
        throw new IOException(refusedBy("closed the connection during the TLS handshake", e), e);
      }
      ssl.setSoTimeout(0);
      ServiceIdentity presented = presented(ssl.getSession());
      if (!expected.sameServiceAs(presented)) {
        throw new IOException(
            "server presented " + presented + " but this connection expects " + expected);
      }
      checkStillValid(ssl.getSession(), presented);
      events.dialSucceeded(name, presented);
      return "TLSv1.3".equals(ssl.getSession().getProtocol())
          ? new DialedSocket(ssl, name, instance.address(), self, events)
          : ssl;
    } catch (IOException | RuntimeException e) {
      close(ssl != null ? ssl : raw);
      throw e;
    }
  }

  /** Peers refuse an expired leaf; say so here instead of letting them refuse us vaguely. */
  private void checkOwnLeaf(String name, IdentitySnapshot snapshot) throws IOException {
    Instant now = clock.instant();
    if (now.isAfter(snapshot.leaf().notAfter())) {
      IOException e =
          new IOException(
              "cannot dial \""
                  + name
                  + "\": the leaf certificate of service \""
                  + self
                  + "\" (serial "
                  + snapshot.leaf().serialNumber()
                  + ") expired at "
                  + snapshot.leaf().notAfter()
                  + " (now "
                  + now
                  + ") and the agent has not renewed it");
      events.dialFailed(name, null, e);
      throw e;
    }
  }

  /**
   * A resumed session skips the trust manager and with it the validity check: a session begun
   * before the server's leaf (or ours) expired must not be used after. The session is dropped.
   */
  private void checkStillValid(SSLSession session, ServiceIdentity presented) throws IOException {
    String expired =
        SessionValidity.problem(session, "server certificate", presented, self, clock.instant());
    if (expired != null) {
      throw new SSLHandshakeException(expired);
    }
  }

  private static void handshake(SSLSocket ssl, HandshakeDeadline deadline) throws IOException {
    try {
      ssl.startHandshake();
    } catch (IOException e) {
      throw deadline.expired() ? new SocketTimeoutException("handshake deadline passed") : e;
    }
  }

  /** Why a server may end our handshake: it does not authorize us (or it is not Connect). */
  private String refusedBy(String what, IOException e) {
    return "server "
        + what
        + " ("
        + e.getMessage()
        + "); its intentions may not allow \""
        + self
        + "\" to connect";
  }

  private static ServiceIdentity presented(SSLSession session) throws IOException {
    try {
      return Certificates.serviceIdentity((X509Certificate) session.getPeerCertificates()[0]);
    } catch (InvalidIdentityException e) {
      throw new IOException("server presented no acceptable identity: " + e.getMessage(), e);
    }
  }

  /**
   * The name the JDK keys client sessions by, Consul's SNI for the service: sessions are then
   * shared by the instances of one service and never offered to another.
   */
  static String sessionKey(ServiceIdentity expected) {
    StringBuilder s =
        new StringBuilder(expected.service()).append('.').append(expected.namespace());
    if (!"default".equals(expected.partition())) {
      s.append('.').append(expected.partition());
    }
    return s.append('.')
        .append(expected.datacenter())
        .append(".internal.")
        .append(expected.trustDomain())
        .toString()
        .toLowerCase(Locale.ROOT);
  }

  private void dropClientSessions() {
    int dropped = 0;
    try {
      for (byte[] id : Collections.list(clientSessions.getIds())) {
        SSLSession session = clientSessions.getSession(id);
        if (session != null) {
          session.invalidate();
          dropped++;
        }
      }
    } catch (UnsupportedOperationException e) {
      // Conscrypt's client session cache cannot be walked; its sockets come from a context per
      // identity revision instead, so the sessions of the previous one are never offered again.
      LOG.debug("identity rotated: the TLS provider's sessions stay with the previous context");
      return;
    }
    LOG.info("identity rotated: dropped {} cached TLS client sessions", dropped);
  }

  private static int millis(long wantedNanos, long remainingNanos) {
    long nanos = Math.min(wantedNanos, remainingNanos);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  /**
   * The message of the outermost certificate refusal in the chain (the Connect trust manager's,
   * which names the peer; the JDK's causes below it, such as "NotAfter: ...", do not), else the
   * exception's own message.
   */
  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t instanceof java.security.cert.CertificateException && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing a failed connection", e);
    }
  }
}
