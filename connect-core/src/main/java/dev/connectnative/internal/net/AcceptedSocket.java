package dev.connectnative.internal.net;

import static java.util.Objects.requireNonNull;

import dev.connectnative.AuthorizationRequest;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.authz.Authorizations;
import dev.connectnative.internal.authz.DeniedException;
import dev.connectnative.internal.authz.LiveConnection;
import dev.connectnative.internal.pem.Certificates;
import dev.connectnative.internal.tls.SessionValidity;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An accepted server-side TLS connection that is handshaken and authorized before the application
 * reads or writes its first byte.
 *
 * <p>{@code accept()} returns it at once, so a client that never completes its handshake holds up
 * only the thread that uses its socket. The first of {@link #startHandshake()}, {@link
 * #getSession()}, or a read, write, flush or {@code available()} on its streams runs the handshake
 * with the policy's handshake timeout and then asks the authorizer about the client, on the calling
 * thread. This covers resumed sessions, which skip the trust manager (and so the in-handshake
 * authorization hook). A refused client's socket is closed and every later use throws an {@link
 * SSLHandshakeException} saying why. An authorized connection is tracked in the live connections
 * until closed, and {@link #revoke} closes it when the intentions change.
 *
 * <p>Client mode and client authentication are fixed: switching to client mode or turning client
 * authentication off throws {@link IllegalArgumentException}.
 */
final class AcceptedSocket extends ForwardingSslSocket implements LiveConnection {
  private final Socket raw;
  private final AcceptPolicy policy;
  private final Object lock = new Object();
  private volatile boolean authorized;
  private volatile AuthorizationRequest authorization;
  private SSLException failure;
  private InputStream in;
  private OutputStream out;

  AcceptedSocket(Socket raw, SSLSocket ssl, AcceptPolicy policy) throws SocketException {
    super(ssl);
    this.raw = requireNonNull(raw, "raw");
    this.policy = requireNonNull(policy, "policy");
    raw.setTcpNoDelay(true);
    ssl.setUseClientMode(false);
    ssl.setNeedClientAuth(true);
  }

  // ---- authorization --------------------------------------------------------------------------

  private void ensureAuthorized() throws IOException {
    if (authorized) {
      return;
    }
    synchronized (lock) {
      if (authorized) {
        return;
      }
      if (failure != null) {
        throw copy(failure);
      }
      try {
        handshakeAndAuthorize();
      } catch (SSLException e) {
        failure = e;
        raw.close();
        throw e;
      } catch (IOException | RuntimeException e) {
        failure = new SSLHandshakeException("handshake with " + peer() + " failed: " + e);
        failure.initCause(e);
        raw.close();
        throw e;
      }
    }
  }

  private void handshakeAndAuthorize() throws IOException {
    int previous = ssl.getSoTimeout();
    ssl.setSoTimeout((int) policy.handshakeTimeout().toMillis());
    try (HandshakeDeadline deadline =
        HandshakeDeadline.arm(policy.deadlines(), raw, policy.handshakeTimeout())) {
      try {
        ssl.startHandshake();
      } catch (IOException e) {
        throw deadline.expired() ? new SocketTimeoutException("handshake deadline passed") : e;
      }
    } catch (SocketTimeoutException e) {
      String reason =
          "client at "
              + peer()
              + " did not complete its handshake within "
              + policy.handshakeTimeout().toMillis()
              + " ms";
      policy.events().handshakeDenied(policy.target(), null, reason);
      SSLHandshakeException refused = new SSLHandshakeException(reason);
      refused.initCause(e);
      throw refused;
    } catch (IOException e) {
      if (!deniedByHook(e)) {
        policy.events().handshakeDenied(policy.target(), null, String.valueOf(e.getMessage()));
      }
      throw e;
    }
    ssl.setSoTimeout(previous);
    SSLSession session = ssl.getSession();
    ServiceIdentity client;
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) session.getPeerCertificates()[0];
      client = Certificates.serviceIdentity(leaf);
    } catch (SSLPeerUnverifiedException | InvalidIdentityException e) {
      String reason = "client at " + peer() + " has no acceptable identity: " + e.getMessage();
      policy.events().handshakeDenied(policy.target(), null, reason);
      SSLHandshakeException refused = new SSLHandshakeException(reason);
      refused.initCause(e);
      throw refused;
    }
    String expired =
        SessionValidity.problem(
            session, "client certificate", client, policy.target(), policy.clock().instant());
    if (expired != null) {
      policy.events().handshakeDenied(policy.target(), client, expired);
      throw new SSLHandshakeException(expired);
    }
    AuthorizationRequest request =
        new AuthorizationRequest(
            policy.target(), client, Certificates.serialHex(leaf.getSerialNumber()));
    try {
      Authorizations.require(policy.authorizer(), request, policy.authorizationTimeout());
    } catch (DeniedException e) {
      policy.events().handshakeDenied(policy.target(), client, e.getMessage());
      SSLHandshakeException refused = new SSLHandshakeException(e.getMessage());
      refused.initCause(e);
      throw refused;
    }
    authorization = request;
    policy.connections().add(this);
    authorized = true;
    policy.events().handshakeAccepted(policy.target(), client);
    if (raw.isClosed()) {
      policy.connections().remove(this);
    }
  }

  /** A refusal by the in-handshake authorization hook, which reported it with the identity. */
  private static boolean deniedByHook(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeniedException) {
        return true;
      }
    }
    return false;
  }

  private String peer() {
    SocketAddress remote = raw.getRemoteSocketAddress();
    return remote == null ? "(unconnected)" : remote.toString();
  }

  private static SSLException copy(SSLException failure) {
    SSLHandshakeException again = new SSLHandshakeException(failure.getMessage());
    again.initCause(failure);
    return again;
  }

  @Override
  public AuthorizationRequest authorization() {
    AuthorizationRequest a = authorization;
    if (a == null) {
      throw new IllegalStateException("connection from " + peer() + " is not authorized yet");
    }
    return a;
  }

  @Override
  public void revoke(String reason) {
    synchronized (lock) {
      failure = new SSLHandshakeException(reason);
    }
    try {
      raw.close();
    } catch (IOException e) {
      // Closing a socket that failed to close cleanly still leaves it unusable.
    }
  }

  // ---- the parts that wait for authorization ---------------------------------------------------

  @Override
  public void startHandshake() throws IOException {
    ensureAuthorized();
  }

  @Override
  public SSLSession getSession() {
    try {
      ensureAuthorized();
    } catch (IOException e) {
      return RefusedSession.INSTANCE;
    }
    return ssl.getSession();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    synchronized (lock) {
      if (in == null) {
        InputStream delegate = ssl.getInputStream();
        in =
            new FilterInputStream(delegate) {
              @Override
              public int read() throws IOException {
                ensureAuthorized();
                return super.read();
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                ensureAuthorized();
                return super.read(b, off, len);
              }

              @Override
              public long skip(long n) throws IOException {
                ensureAuthorized();
                return super.skip(n);
              }

              @Override
              public int available() throws IOException {
                ensureAuthorized();
                return super.available();
              }
            };
      }
      return in;
    }
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    synchronized (lock) {
      if (out == null) {
        OutputStream delegate = ssl.getOutputStream();
        out =
            new FilterOutputStream(delegate) {
              @Override
              public void write(int b) throws IOException {
                ensureAuthorized();
                delegate.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                ensureAuthorized();
                delegate.write(b, off, len);
              }

              @Override
              public void flush() throws IOException {
                ensureAuthorized();
                delegate.flush();
              }
            };
      }
      return out;
    }
  }

  @Override
  public void close() throws IOException {
    policy.connections().remove(this);
    ssl.close();
  }

  // ---- fixed settings -------------------------------------------------------------------------

  @Override
  public void setUseClientMode(boolean mode) {
    if (mode) {
      throw new IllegalArgumentException("an accepted Connect socket stays in server mode");
    }
  }

  @Override
  public boolean getUseClientMode() {
    return false;
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    if (!need) {
      throw new IllegalArgumentException("an accepted Connect socket requires client certificates");
    }
  }

  @Override
  public boolean getNeedClientAuth() {
    return true;
  }

  @Override
  public void setWantClientAuth(boolean want) {
    throw new IllegalArgumentException("an accepted Connect socket requires client certificates");
  }

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    if (!params.getNeedClientAuth()) {
      throw new IllegalArgumentException("an accepted Connect socket requires client certificates");
    }
    ssl.setSSLParameters(params);
  }

  // ---- plain delegation -----------------------------------------------------------------------

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    throw new SocketException("an accepted socket is already connected");
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    throw new SocketException("an accepted socket is already bound");
  }

  @Override
  public boolean isClosed() {
    return ssl.isClosed() || raw.isClosed();
  }

  @Override
  public String toString() {
    return "AcceptedSocket["
        + policy.target()
        + " from "
        + peer()
        + (authorized ? ", authorized]" : "]");
  }
}
