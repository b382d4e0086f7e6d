package dev.connectnative.netty.internal;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.internal.tls.ExpectedPeers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client-side trust manager of a context bound to one target service.
 *
 * <p>A connection whose engine was registered in {@link ExpectedPeers} (the adapter's own dials,
 * which know the exact instance) is checked against that registration. Netty hides the JDK engine
 * behind a wrapper when ALPN is on, and the JDK hands the inner engine to the trust manager; the
 * adapter's dials therefore also {@link #tag} their JDK engines through the SSL parameters, which
 * the wrapper shares with the inner engine, and the tag finds the dial's identity. Any other
 * engine, e.g. one created by gRPC, is registered with the context's target identity, so a server
 * that is not the target is still refused inside the handshake. Thread-safe.
 */
public final class TargetTrustManager extends X509ExtendedTrustManager {
  private static final String TAG_PREFIX = "connectnative-netty-";
  private static final AtomicLong TAGS = new AtomicLong();

  private final X509ExtendedTrustManager delegate;
  private final Supplier<ServiceIdentity> target;
  private final Map<String, ServiceIdentity> tagged = new ConcurrentHashMap<>();

  /**
   * Creates the trust manager.
   *
   * @param delegate the service's Connect trust manager
   * @param target the identity a server must present when nothing more precise is registered;
   *     called per handshake, may throw to refuse
   */
  public TargetTrustManager(X509ExtendedTrustManager delegate, Supplier<ServiceIdentity> target) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.target = requireNonNull(target, "target");
  }

  /**
   * Marks a JDK engine as expecting {@code expected}, through a unique endpoint identification
   * value in its SSL parameters. The value is opaque to the Connect trust manager (it performs no
   * hostname check), and being unique it also keeps JSSE from resuming a session, since JSSE
   * resumes only for an equal value. Returns the tag to pass to {@link #untag} once the connection
   * is closed.
   */
  public String tag(SSLEngine engine, ServiceIdentity expected) {
    String tag = TAG_PREFIX + TAGS.incrementAndGet();
    tagged.put(tag, requireNonNull(expected, "expected"));
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm(tag);
    engine.setSSLParameters(parameters);
    return tag;
  }

  /** Forgets a tag. */
  public void untag(String tag) {
    tagged.remove(tag);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    expectTarget(engine);
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    expectTarget(socket);
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException(
        "cannot verify the server: the TLS stack gave no engine or socket to check it for");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client TLS context does not accept clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private ServiceIdentity tagged(SSLEngine engine) {
    String tag = engine.getSSLParameters().getEndpointIdentificationAlgorithm();
    return tag == null ? null : tagged.get(tag);
  }

  private void expectTarget(Object socketOrEngine) throws CertificateException {
    if (socketOrEngine == null) {
      throw new CertificateException(
          "cannot verify the server: the TLS stack gave no engine or socket to check it for");
    }
    if (ExpectedPeers.expected(socketOrEngine).isPresent()) {
      return;
    }
    ServiceIdentity expected = socketOrEngine instanceof SSLEngine engine ? tagged(engine) : null;
    try {
      if (expected == null) {
        expected = target.get();
      }
    } catch (RuntimeException e) {
      throw new CertificateException(
          "cannot tell which server identity to expect: " + e.getMessage(), e);
    }
    try {
      if (socketOrEngine instanceof SSLEngine engine) {
        ExpectedPeers.expect(engine, expected);
      } else {
        ExpectedPeers.expect((Socket) socketOrEngine, expected);
      }
    } catch (IllegalStateException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }
}
