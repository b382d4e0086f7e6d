package dev.connectnative;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the local Consul agent: address, ACL token and the TLS settings of the agent's own
 * HTTP API.
 *
 * <p>{@link #fromEnvironment()} reads the same environment variables as Consul's own tools ({@code
 * consul}, {@code envoy}, the Go {@code api} package): {@code CONSUL_HTTP_ADDR}, {@code
 * CONSUL_HTTP_TOKEN}, {@code CONSUL_HTTP_TOKEN_FILE}, {@code CONSUL_HTTP_SSL}, {@code
 * CONSUL_HTTP_SSL_VERIFY}, {@code CONSUL_CACERT}, {@code CONSUL_CAPATH}, {@code
 * CONSUL_CLIENT_CERT}, {@code CONSUL_CLIENT_KEY}, {@code CONSUL_TLS_SERVER_NAME}, {@code
 * CONSUL_NAMESPACE} and {@code CONSUL_PARTITION}. Every setting can be overridden in the builder:
 *
 * <pre>{@code
 * AgentConfig agent = AgentConfig.builder()
 *     .withEnvironment()               // fallback for everything not set below
 *     .address("https://consul.local:8501")
 *     .tokenFile(Path.of("/run/secrets/consul-token"))
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. The token never appears in {@link #toString()}.
 */
public final class AgentConfig {
  /** The default agent address, as in Consul's tools. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:8500";

  /** How the HTTP API of the agent is reached. */
  public enum Transport {
    /** Plain HTTP over TCP. */
    HTTP,
    /** HTTPS over TCP, verified with the configured CA unless verification is disabled. */
    HTTPS,
    /** Plain HTTP over a unix domain socket. */
    UNIX
  }

  private final Transport transport;
  private final String host;
  private final int port;
  private final Path unixSocket;
  private final String pathPrefix;
  private final String token;
  private final Path tokenFile;
  private final Path caCert;
  private final Path caPath;
  private final Path clientCert;
  private final Path clientKey;
  private final String tlsServerName;
  private final boolean verifyAgentTls;
  private final String namespace;
  private final String partition;

  private AgentConfig(Builder b, Address address, boolean https) {
    this.transport =
        address.unixSocket != null ? Transport.UNIX : https ? Transport.HTTPS : Transport.HTTP;
    this.host = address.host;
    this.port = address.port;
    this.unixSocket = address.unixSocket;
    this.pathPrefix = address.pathPrefix;
    this.token = b.token;
    this.tokenFile = b.tokenFile;
    this.caCert = b.caCert;
    this.caPath = b.caPath;
    this.clientCert = b.clientCert;
    this.clientKey = b.clientKey;
    this.tlsServerName = b.tlsServerName;
    this.verifyAgentTls = b.verifyAgentTls == null || b.verifyAgentTls;
    this.namespace = b.namespace;
    this.partition = b.partition;
  }

  /**
   * Returns a builder with Consul's defaults and nothing read from the environment.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the configuration from the process environment, exactly as Consul's tools do.
   *
   * @return the configuration
   * @throws IllegalArgumentException if a variable holds a value that cannot be understood, e.g.
   *     {@code CONSUL_HTTP_SSL=yes}
   */
  public static AgentConfig fromEnvironment() {
    return builder().withEnvironment().build();
  }

  /**
   * Returns how the agent is reached.
   *
   * @return {@code HTTP}, {@code HTTPS} or {@code UNIX}
   */
  public Transport transport() {
    return transport;
  }

  /**
   * Returns the agent's host name or IP address; {@code localhost} for a unix socket.
   *
   * @return the host
   */
  public String host() {
    return host;
  }

  /**
   * Returns the agent's TCP port; {@code 0} for a unix socket.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the path of the agent's unix domain socket, when {@link #transport()} is {@code UNIX}.
   *
   * @return the socket path, or empty for TCP
   */
  public Optional<Path> unixSocket() {
    return Optional.ofNullable(unixSocket);
  }

  /**
   * Returns the path prefix put in front of every API path, for an agent behind a reverse proxy
   * ({@code CONSUL_HTTP_ADDR=https://proxy/consul}).
   *
   * @return the prefix without trailing slash, or an empty string
   */
  public String pathPrefix() {
    return pathPrefix;
  }

  /**
   * Returns the ACL token sent as {@code X-Consul-Token}. A non-empty {@link #tokenFile()} takes
   * precedence over it.
   *
   * @return the token, or empty when none is configured
   */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /**
   * Returns the file holding the ACL token (read and trimmed when the agent client is created).
   *
   * @return the token file, or empty
   */
  public Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /**
   * Returns the PEM file of the CA that signed the agent's HTTPS certificate.
   *
   * @return the CA file, or empty to use {@link #caPath()} or the JDK's default trust store
   */
  public Optional<Path> caCert() {
    return Optional.ofNullable(caCert);
  }

  /**
   * Returns a directory of PEM CA files that signed the agent's HTTPS certificate.
   *
   * @return the CA directory, or empty
   */
  public Optional<Path> caPath() {
    return Optional.ofNullable(caPath);
  }

  /**
   * Returns the PEM client certificate presented to the agent's HTTPS API.
   *
   * @return the certificate file, or empty
   */
  public Optional<Path> clientCert() {
    return Optional.ofNullable(clientCert);
  }

  /**
   * Returns the PEM private key of {@link #clientCert()}.
   *
   * @return the key file, or empty
   */
  public Optional<Path> clientKey() {
    return Optional.ofNullable(clientKey);
  }

  /**
   * Returns the server name sent in SNI and checked against the agent's HTTPS certificate.
   *
   * @return the server name, or empty to use {@link #host()}
   */
  public Optional<String> tlsServerName() {
    return Optional.ofNullable(tlsServerName);
  }

  /**
   * Tells whether the agent's HTTPS certificate is verified. This concerns the agent's own API
   * only, never the mesh certificates.
   *
   * @return {@code true} unless disabled with {@code CONSUL_HTTP_SSL_VERIFY=false}
   */
  public boolean verifyAgentTls() {
    return verifyAgentTls;
  }

  /**
   * Returns the Consul Enterprise namespace sent with every request as {@code ns}.
   *
   * @return the namespace, or empty to let the agent use its default
   */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * Returns the Consul Enterprise admin partition sent with every request as {@code partition}.
   *
   * @return the partition, or empty to let the agent use its default
   */
  public Optional<String> partition() {
    return Optional.ofNullable(partition);
  }

  /**
   * Describes the agent address and settings, with the token redacted.
   *
   * @return a description safe to log
   */
  @Override
  public String toString() {
    String where =
        transport == Transport.UNIX
            ? "unix://" + unixSocket
            : transport.name().toLowerCase(Locale.ROOT) + "://" + hostPort() + pathPrefix;
    StringBuilder s = new StringBuilder("AgentConfig{address=").append(where);
    s.append(", token=").append(token == null ? "<none>" : "<redacted>");
    tokenFile().ifPresent(f -> s.append(", tokenFile=").append(f));
    caCert().ifPresent(f -> s.append(", caCert=").append(f));
    caPath().ifPresent(f -> s.append(", caPath=").append(f));
    clientCert().ifPresent(f -> s.append(", clientCert=").append(f));
    clientKey().ifPresent(f -> s.append(", clientKey=").append(f));
    tlsServerName().ifPresent(n -> s.append(", tlsServerName=").append(n));
    if (!verifyAgentTls) {
      s.append(", verifyAgentTls=false");
    }
    namespace().ifPresent(n -> s.append(", namespace=").append(n));
    partition().ifPresent(p -> s.append(", partition=").append(p));
    return s.append('}').toString();
  }

  private String hostPort() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Builds an {@link AgentConfig}. Each setting may be set at most once; settings made explicitly
   * win over the environment read by {@link #withEnvironment()}.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private String address;
    private String token;
    private Path tokenFile;
    private Boolean https;
    private Path caCert;
    private Path caPath;
    private Path clientCert;
    private Path clientKey;
    private String tlsServerName;
    private Boolean verifyAgentTls;
    private String namespace;
    private String partition;
    private Map<String, String> environment;

    private Builder() {}

    /**
     * Sets the agent address: {@code host:port}, {@code http://host:port}, {@code
     * https://host:port} or {@code unix:///path/to/socket}, optionally followed by a path prefix
     * for an agent behind a reverse proxy. If unset, {@code CONSUL_HTTP_ADDR} or {@value
     * #DEFAULT_ADDRESS}.
     *
     * @param address the address
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder address(String address) {
      this.address = once(this.address, address, "address");
      return this;
    }

    /**
     * Sets the ACL token. If unset, {@code CONSUL_HTTP_TOKEN} or no token.
     *
     * @param token the token
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder token(String token) {
      this.token = once(this.token, token, "token");
      return this;
    }

    /**
     * Sets a file holding the ACL token; its trimmed content wins over {@link #token(String)} when
     * non-empty. If unset, {@code CONSUL_HTTP_TOKEN_FILE} or none.
     *
     * @param tokenFile the token file
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tokenFile(Path tokenFile) {
      this.tokenFile = once(this.tokenFile, tokenFile, "tokenFile");
      return this;
    }

    /**
     * Selects HTTPS for a {@code host:port} address without scheme. An {@code https://} address is
     * always HTTPS; {@code http://} is upgraded when this is {@code true}. If unset, {@code
     * CONSUL_HTTP_SSL} or {@code false}.
     *
     * @param https whether to use HTTPS
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder https(boolean https) {
      this.https = once(this.https, https, "https");
      return this;
    }

    /**
     * Sets the PEM file of the CA that signed the agent's HTTPS certificate. If unset, {@code
     * CONSUL_CACERT}, then {@link #caPath(Path)}, then the JDK's default trust store.
     *
     * @param caCert the CA file
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder caCert(Path caCert) {
      this.caCert = once(this.caCert, caCert, "caCert");
      return this;
    }

    /**
     * Sets a directory of PEM CA files for the agent's HTTPS certificate. If unset, {@code
     * CONSUL_CAPATH} or none.
     *
     * @param caPath the CA directory
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder caPath(Path caPath) {
      this.caPath = once(this.caPath, caPath, "caPath");
      return this;
    }

    /**
     * Sets the PEM client certificate for the agent's HTTPS API. If unset, {@code
     * CONSUL_CLIENT_CERT} or none.
     *
     * @param clientCert the certificate file
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clientCert(Path clientCert) {
      this.clientCert = once(this.clientCert, clientCert, "clientCert");
      return this;
    }

    /**
     * Sets the PEM private key of the client certificate. If unset, {@code CONSUL_CLIENT_KEY} or
     * none.
     *
     * @param clientKey the key file
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clientKey(Path clientKey) {
      this.clientKey = once(this.clientKey, clientKey, "clientKey");
      return this;
    }

    /**
     * Sets the server name for SNI and for checking the agent's HTTPS certificate. If unset, {@code
     * CONSUL_TLS_SERVER_NAME} or the host of the address.
     *
     * @param tlsServerName the server name
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tlsServerName(String tlsServerName) {
      this.tlsServerName = once(this.tlsServerName, tlsServerName, "tlsServerName");
      return this;
    }

    /**
     * Enables or disables verification of the agent's HTTPS certificate (never of mesh
     * certificates). Disabling it is logged as a warning. If unset, {@code CONSUL_HTTP_SSL_VERIFY}
     * or {@code true}.
     *
     * @param verify whether to verify
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder verifyAgentTls(boolean verify) {
      this.verifyAgentTls = once(this.verifyAgentTls, verify, "verifyAgentTls");
      return this;
    }

    /**
     * Sets the Consul Enterprise namespace. If unset, {@code CONSUL_NAMESPACE} or the agent's
     * default.
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder namespace(String namespace) {
      this.namespace = once(this.namespace, namespace, "namespace");
      return this;
    }

    /**
     * Sets the Consul Enterprise admin partition. If unset, {@code CONSUL_PARTITION} or the agent's
     * default.
     *
     * @param partition the partition
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder partition(String partition) {
      this.partition = once(this.partition, partition, "partition");
      return this;
    }

    /**
     * Uses the process environment as fallback for every setting not made explicitly.
     *
     * @return this builder
     * @throws IllegalStateException if already called
     */
    public Builder withEnvironment() {
      return withEnvironment(System.getenv());
    }

    Builder withEnvironment(Map<String, String> env) {
      this.environment = once(this.environment, Map.copyOf(env), "environment");
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if the address or an environment variable is invalid, e.g.
     *     an unknown scheme or a boolean that is not {@code true}/{@code false}/{@code 1}/{@code 0}
     */
    public AgentConfig build() {
      Map<String, String> env = environment == null ? Map.of() : environment;
      String addr = address != null ? address : envValue(env, "CONSUL_HTTP_ADDR");
      if (token == null) {
        token = envValue(env, "CONSUL_HTTP_TOKEN");
      }
      if (tokenFile == null) {
        tokenFile = envPath(env, "CONSUL_HTTP_TOKEN_FILE");
      }
      boolean sslFlag =
          https != null ? https : parseBool(env, "CONSUL_HTTP_SSL").orElse(Boolean.FALSE);
      if (caCert == null) {
        caCert = envPath(env, "CONSUL_CACERT");
      }
      if (caPath == null) {
        caPath = envPath(env, "CONSUL_CAPATH");
      }
      if (clientCert == null) {
        clientCert = envPath(env, "CONSUL_CLIENT_CERT");
      }
      if (clientKey == null) {
        clientKey = envPath(env, "CONSUL_CLIENT_KEY");
      }
      if (tlsServerName == null) {
        tlsServerName = envValue(env, "CONSUL_TLS_SERVER_NAME");
      }
      if (verifyAgentTls == null) {
        verifyAgentTls = parseBool(env, "CONSUL_HTTP_SSL_VERIFY").orElse(null);
      }
      if (namespace == null) {
        namespace = envValue(env, "CONSUL_NAMESPACE");
      }
      if (partition == null) {
        partition = envValue(env, "CONSUL_PARTITION");
      }
      if ((clientCert == null) != (clientKey == null)) {
        throw new IllegalArgumentException(
            "agent client certificate and key must be set together (CONSUL_CLIENT_CERT and"
                + " CONSUL_CLIENT_KEY), only "
                + (clientCert == null ? "the key" : "the certificate")
                + " is set");
      }
      Address parsed = Address.parse(addr == null ? DEFAULT_ADDRESS : addr);
      return new AgentConfig(this, parsed, sslFlag || parsed.https);
    }

    private static <T> T once(T current, T value, String name) {
      requireNonNull(value, name);
      if (current != null) {
        throw new IllegalStateException(name + " was already set to a value");
      }
      return value;
    }

    private static String envValue(Map<String, String> env, String name) {
      String v = env.get(name);
      return v == null || v.isEmpty() ? null : v;
    }

    private static Path envPath(Map<String, String> env, String name) {
      String v = envValue(env, name);
      return v == null ? null : Path.of(v);
    }

    /** Parses like Go's {@code strconv.ParseBool}, which Consul uses for these variables. */
    private static Optional<Boolean> parseBool(Map<String, String> env, String name) {
      String v = envValue(env, name);
      if (v == null) {
        return Optional.empty();
      }
      switch (v) {
        case "1":
        case "t":
        case "T":
        case "true":
        case "TRUE":
        case "True":
          return Optional.of(Boolean.TRUE);
        case "0":
        case "f":
        case "F":
        case "false":
        case "FALSE":
        case "False":
          return Optional.of(Boolean.FALSE);
        default:
          throw new IllegalArgumentException(
              "invalid "
                  + name
                  + "=\""
                  + v
                  + "\": expected one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False");
      }
    }
  }

  /** A parsed agent address. */
  private static final class Address {
    final String host;
    final int port;
    final Path unixSocket;
    final String pathPrefix;
    final boolean https;

    private Address(String host, int port, Path unixSocket, String pathPrefix, boolean https) {
      this.host = host;
      this.port = port;
      this.unixSocket = unixSocket;
      this.pathPrefix = pathPrefix;
      this.https = https;
    }

    static Address parse(String address) {
      int sep = address.indexOf("://");
      String scheme = sep < 0 ? "http" : address.substring(0, sep);
      String rest = sep < 0 ? address : address.substring(sep + 3);
      switch (scheme) {
        case "unix":
          if (rest.isEmpty()) {
            throw new IllegalArgumentException(
                "invalid agent address \"" + address + "\": unix socket path is empty");
          }
          return new Address("localhost", 0, Path.of(rest), "", false);
        case "http":
        case "https":
          return tcp(address, scheme, rest);
        default:
          throw new IllegalArgumentException(
              "invalid agent address \""
                  + address
                  + "\": unknown protocol scheme \""
                  + scheme
                  + "\" (expected http, https or unix)");
      }
    }

    private static Address tcp(String address, String scheme, String rest) {
      URI uri;
      try {
        uri = new URI(scheme + "://" + rest);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "invalid agent address \"" + address + "\": " + e.getReason(), e);
      }
      if (uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "invalid agent address \"" + address + "\": expected host:port");
      }
      int port = uri.getPort();
      if (port < 0) {
        port = scheme.equals("https") ? 443 : 80;
      }
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (prefix.endsWith("/")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return new Address(host, port, null, prefix, scheme.equals("https"));
    }
  }
}
