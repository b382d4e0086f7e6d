package dev.connectnative.internal.http;

import dev.connectnative.ConnectService;
import java.net.Proxy;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * Assembles an OkHttp client for Connect host names: {@link ConnectHostInterceptor} refuses what
 * cannot be served, {@link ConnectDns} and {@link InstanceSocketFactory} connect to discovered
 * instances at their own ports, {@link ConnectSslSocketFactory} registers each instance's identity
 * before the handshake and {@link ConnectHostnameVerifier} checks the result again.
 *
 * <p>OkHttp pools connections per URL host and port, so two Connect host names never share a
 * connection; its custom host name verifier also turns off HTTP/2 connection coalescing across
 * hosts. No proxy is used: a proxy would hide the instance from the TLS layer, which then refuses.
 */
public final class OkHttpConnect {
  private OkHttpConnect() {}

  /**
   * Returns a configured builder.
   *
   * @param targets what host names mean
   * @param http2 whether to offer {@code h2} in ALPN besides {@code http/1.1}
   */
  public static OkHttpClient.Builder builder(HttpTargets targets, boolean http2) {
    ConnectService service = targets.service();
    InstanceRegistry registry = new InstanceRegistry();
    PeerNames peerNames = new PeerNames();
    ConnectSslSocketFactory tls =
        new ConnectSslSocketFactory(
            targets,
            service.sslContext().getSocketFactory(),
            targets.passthrough() ? defaultTls() : null,
            peerNames);
    return new OkHttpClient.Builder()
        .addInterceptor(new ConnectHostInterceptor(targets))
        .dns(new ConnectDns(targets, registry))
        .socketFactory(new InstanceSocketFactory(registry, targets.passthrough()))
        .sslSocketFactory(tls, service.trustManager())
        .hostnameVerifier(new ConnectHostnameVerifier(targets, peerNames))
        .proxy(Proxy.NO_PROXY)
        .protocols(http2 ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1))
        .connectTimeout(targets.base().connectTimeout());
  }

  private static SSLSocketFactory defaultTls() {
    try {
      return SSLContext.getDefault().getSocketFactory();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context for passthrough hosts", e);
    }
  }
}
