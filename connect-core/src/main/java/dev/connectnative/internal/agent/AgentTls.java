package dev.connectnative.internal.agent;

import dev.connectnative.AgentConfig;
import dev.connectnative.internal.pem.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS towards the agent's own HTTPS API (not the mesh): CA from {@code CONSUL_CACERT}/{@code
 * CONSUL_CAPATH} or the JDK defaults, optional client certificate, optional server name, and the
 * loudly logged option to skip verification.
 */
final class AgentTls {
  private static final Logger LOG = LoggerFactory.getLogger(AgentTls.class);

  private AgentTls() {}

  static void configure(AgentConfig config, OkHttpClient.Builder http) {
    try {
      X509TrustManager trust =
          config.verifyAgentTls() ? trustManager(config) : new VerificationDisabledTrustManager();
      KeyManager[] keys = keyManagers(config);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new TrustManager[] {trust}, null);
      String serverName = config.tlsServerName().orElse(null);
      SSLSocketFactory sockets = context.getSocketFactory();
      http.sslSocketFactory(
          serverName == null ? sockets : new ServerNameSocketFactory(sockets, serverName), trust);
      if (!config.verifyAgentTls()) {
        LOG.warn(
            "verification of the Consul agent's HTTPS certificate is DISABLED"
                + " (CONSUL_HTTP_SSL_VERIFY=false): anyone on the path to {}:{} can impersonate"
                + " the agent and hand out identities",
            config.host(),
            config.port());
        http.hostnameVerifier(AgentTls::hostCheckDisabledByUser);
      } else if (serverName != null) {
        http.hostnameVerifier(
            (host, session) -> OkHostnameVerifier.INSTANCE.verify(serverName, session));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS to the Consul agent: " + e.getMessage(), e);
    }
  }

  /** The agent host name check the user switched off with {@code CONSUL_HTTP_SSL_VERIFY=false}. */
  private static boolean hostCheckDisabledByUser(String host, SSLSession session) {
    return true;
  }

  private static X509TrustManager trustManager(AgentConfig config) throws GeneralSecurityException {
    List<X509Certificate> cas = new ArrayList<>();
    if (config.caCert().isPresent()) {
      cas.addAll(Pem.certificates(read(config.caCert().get(), "CA file"), "CA file"));
    } else if (config.caPath().isPresent()) {
      for (Path file : caFiles(config.caPath().get())) {
        cas.addAll(Pem.certificates(read(file, "CA file"), "CA file " + file));
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (cas.isEmpty()) {
      factory.init((KeyStore) null);
    } else {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        store.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      factory.init(store);
    }
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
  }

  private static List<Path> caFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> out = files.filter(Files::isRegularFile).sorted().toList();
      if (out.isEmpty()) {
        throw new IllegalArgumentException("CA directory " + dir + " holds no files");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot list CA directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(AgentConfig config) throws GeneralSecurityException {
    if (config.clientCert().isEmpty() || config.clientKey().isEmpty()) {
      return null;
    }
    Path certFile = config.clientCert().get();
    Path keyFile = config.clientKey().get();
    List<X509Certificate> chain =
        Pem.certificates(read(certFile, "client certificate"), "client certificate " + certFile);
    PrivateKey key = Pem.privateKey(read(keyFile, "client key"), "client key " + keyFile);
    KeyStore store = KeyStore.getInstance("PKCS12");
    char[] password = new char[0];
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sends {@code CONSUL_TLS_SERVER_NAME} as SNI instead of the address host. */
  private static final class ServerNameSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String serverName;

    ServerNameSocketFactory(SSLSocketFactory delegate, String serverName) {
      this.delegate = delegate;
      this.serverName = serverName;
    }

    private Socket named(Socket s) {
      if (s instanceof SSLSocket ssl) {
        SSLParameters params = ssl.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(serverName)));
        ssl.setSSLParameters(params);
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return named(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return named(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return named(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return named(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return named(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /** Accepts any agent certificate: only used when the user disabled verification. */
  private static final class VerificationDisabledTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // verification disabled on purpose (CONSUL_HTTP_SSL_VERIFY=false), warned about at start
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // verification disabled on purpose (CONSUL_HTTP_SSL_VERIFY=false), warned about at start
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client-side trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // verification disabled on purpose (CONSUL_HTTP_SSL_VERIFY=false), warned about at start
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
