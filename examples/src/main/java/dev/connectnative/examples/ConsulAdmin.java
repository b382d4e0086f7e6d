package dev.connectnative.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The operator's side of the examples: what a person would otherwise do with the {@code consul}
 * CLI, done through the agent's HTTP API (its Consul 1.10 form, which later versions still serve).
 *
 * <ul>
 *   <li>registration: {@code PUT /v1/agent/service/register} with {@code "Connect": {"Native":
 *       true}} and {@code PUT /v1/agent/service/deregister/<id>} (needs {@code service:write});
 *   <li>intentions: {@code PUT /v1/connect/intentions/exact?source=&destination=} and {@code
 *       DELETE} of the same (needs {@code intentions:write} on the destination);
 *   <li>CA rotation: {@code GET} then {@code PUT /v1/connect/ca/configuration} with a new private
 *       key for the built-in {@code consul} provider (needs {@code operator:write}).
 * </ul>
 *
 * <p>Reaches the agent over HTTP or HTTPS (verified with {@code CONSUL_CACERT}/{@code
 * CONSUL_CAPATH} or the JDK's trust store), with the ACL token of the {@link AgentConfig}. Unix
 * sockets, agent client certificates and {@code CONSUL_TLS_SERVER_NAME} are not supported by this
 * small client and are refused with a message saying so. Thread-safe; holds no threads of its own
 * beyond the JDK client's.
 */
public final class ConsulAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final AgentConfig agent;
  private final URI base;
  private final HttpClient http;

  /**
   * Creates a client of the agent {@code agent} describes.
   *
   * @param agent the agent address, token and TLS settings
   * @throws IllegalArgumentException if the agent is reached over a unix socket, with a client
   *     certificate or another TLS server name, or its CA files cannot be read
   */
  public ConsulAdmin(AgentConfig agent) {
    this.agent = requireNonNull(agent, "agent");
    if (agent.transport() == AgentConfig.Transport.UNIX) {
      throw new IllegalArgumentException(
          "ConsulAdmin speaks HTTP(S) over TCP only, not to the unix socket "
              + agent.unixSocket().orElseThrow());
    }
    if (agent.clientCert().isPresent()) {
      throw new IllegalArgumentException(
          "ConsulAdmin does not present agent client certificates (CONSUL_CLIENT_CERT)");
    }
    if (agent.tlsServerName().isPresent()) {
      throw new IllegalArgumentException(
          "ConsulAdmin checks the agent's certificate against the address's host and cannot use"
              + " CONSUL_TLS_SERVER_NAME="
              + agent.tlsServerName().get());
    }
    boolean https = agent.transport() == AgentConfig.Transport.HTTPS;
    String host = agent.host().indexOf(':') >= 0 ? "[" + agent.host() + "]" : agent.host();
    this.base =
        URI.create(
            (https ? "https" : "http") + "://" + host + ":" + agent.port() + agent.pathPrefix());
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (https) {
      builder.sslContext(agentTls(agent));
    }
    this.http = builder.build();
  }

  /**
   * Registers a Connect-native instance of {@code name} with the agent, ID {@code <name>-<port>},
   * without health checks (so it is healthy at once). For servers whose port is known only once
   * they run; {@code Connect.service(name).register(address, port)} does the same with a TTL check
   * kept passing.
   *
   * @param name the service name
   * @param address the address other services dial
   * @param port the port other services dial
   * @return the instance ID, for {@link #deregister(String)}
   * @throws AdminException if the agent does not answer 200
   */
  public String register(String name, String address, int port) {
    requireNonNull(name, "name");
    requireNonNull(address, "address");
    String id = name + "-" + port;
    ObjectNode body = JSON.createObjectNode();
    body.put("ID", id);
    body.put("Name", name);
    body.put("Address", address);
    body.put("Port", port);
    body.putObject("Connect").put("Native", true);
    send("PUT", "/v1/agent/service/register", body.toString());
    return id;
  }

  /**
   * Removes an instance registered with {@link #register(String, String, int)}.
   *
   * @param id the instance ID
   * @throws AdminException if the agent does not answer 200
   */
  public void deregister(String id) {
    send("PUT", "/v1/agent/service/deregister/" + URLEncoder.encode(id, UTF_8), null);
  }

  /**
   * Allows {@code source} to connect to {@code destination}, creating or replacing the intention
   * for that exact pair.
   *
   * @param source the calling service
   * @param destination the called service
   * @throws AdminException if the agent does not answer 200
   */
  public void allow(String source, String destination) {
    putIntention(source, destination, "allow");
  }

  /**
   * Denies {@code source} connections to {@code destination}, creating or replacing the intention
   * for that exact pair.
   *
   * @param source the calling service
   * @param destination the called service
   * @throws AdminException if the agent does not answer 200
   */
  public void deny(String source, String destination) {
    putIntention(source, destination, "deny");
  }

  /**
   * Deletes the intention for the exact pair {@code source} to {@code destination}.
   *
   * @param source the calling service
   * @param destination the called service
   * @throws AdminException if the agent does not answer 200
   */
  public void deleteIntention(String source, String destination) {
    send("DELETE", exactPath(source, destination), null);
  }

  /**
   * Rotates the built-in CA to a new EC P-256 root key: reads the CA configuration and writes it
   * back with a freshly generated {@code PrivateKey}. Consul then cross-signs the new root with the
   * old one, lists both roots, and re-issues leaves from the new root.
   *
   * @throws AdminException if the agent refuses, or the CA provider is not {@code consul} (other
   *     providers rotate through their own tools)
   */
  public void rotateCa() {
    JsonNode current = readJson(send("GET", "/v1/connect/ca/configuration", null));
    String provider = current.path("Provider").asText("");
    if (!"consul".equals(provider)) {
      throw new AdminException(
          "cannot rotate the CA: provider is \""
              + provider
              + "\", this example rotates only the built-in \"consul\" provider");
    }
    ObjectNode config =
        current.path("Config").isObject()
            ? ((ObjectNode) current.path("Config")).deepCopy()
            : JSON.createObjectNode();
    config.remove("RootCert");
    config.put("PrivateKeyType", "ec");
    config.put("PrivateKeyBits", 256);
    config.put("PrivateKey", newEcPrivateKeyPem());
    ObjectNode body = JSON.createObjectNode();
    body.put("Provider", provider);
    body.set("Config", config);
    send("PUT", "/v1/connect/ca/configuration", body.toString());
  }

  @Override
  public String toString() {
    return "ConsulAdmin{" + agent + "}";
  }

  private void putIntention(String source, String destination, String action) {
    ObjectNode body = JSON.createObjectNode();
    body.put("Action", action);
    body.put("Description", "set by the connectnative examples");
    send("PUT", exactPath(source, destination), body.toString());
  }

  private static String exactPath(String source, String destination) {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    return "/v1/connect/intentions/exact?source="
        + URLEncoder.encode(source, UTF_8)
        + "&destination="
        + URLEncoder.encode(destination, UTF_8);
  }

  private String send(String method, String pathAndQuery, String body) {
    String target = pathAndQuery + scope(pathAndQuery.indexOf('?') >= 0 ? '&' : '?');
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + target))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, UTF_8));
    String token = token();
    if (!token.isEmpty()) {
      request.header("X-Consul-Token", token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    } catch (IOException e) {
      throw new AdminException(method + " " + pathAndQuery + ": agent unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException(method + " " + pathAndQuery + ": interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new AdminException(
          method
              + " "
              + pathAndQuery
              + ": agent answered "
              + response.statusCode()
              + " "
              + response.body().strip());
    }
    return response.body();
  }

  private String scope(char separator) {
    StringBuilder query = new StringBuilder();
    agent
        .namespace()
        .ifPresent(
            ns -> query.append(separator).append("ns=").append(URLEncoder.encode(ns, UTF_8)));
    agent
        .partition()
        .ifPresent(
            p ->
                query
                    .append(query.length() == 0 ? separator : '&')
                    .append("partition=")
                    .append(URLEncoder.encode(p, UTF_8)));
    return query.toString();
  }

  private String token() {
    if (agent.tokenFile().isPresent()) {
      try {
        String fromFile = Files.readString(agent.tokenFile().get(), UTF_8).strip();
        if (!fromFile.isEmpty()) {
          return fromFile;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the ACL token file " + agent.tokenFile().get(), e);
      }
    }
    return agent.token().orElse("");
  }

  private static JsonNode readJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AdminException("agent answered malformed JSON: " + e.getMessage(), e);
    }
  }

  /**
   * A new P-256 key in SEC1 form ("EC PRIVATE KEY"), the form every Consul version reads: SEQUENCE
   * {version 1, the 32-byte secret, [0] prime256v1, [1] the uncompressed public point}.
   */
  static String newEcPrivateKeyPem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      ECPrivateKey key = (ECPrivateKey) pair.getPrivate();
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      byte[] der =
          concat(
              hex("30770201010420"),
              fixed(key.getS()),
              hex("a00a06082a8648ce3d030107a14403420004"),
              fixed(pub.getW().getAffineX()),
              fixed(pub.getW().getAffineY()));
      return "-----BEGIN EC PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END EC PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
    }
  }

  private static byte[] fixed(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] hex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static SSLContext agentTls(AgentConfig agent) {
    if (!agent.verifyAgentTls()) {
      throw new IllegalArgumentException(
          "ConsulAdmin always verifies the agent's HTTPS certificate; unset"
              + " CONSUL_HTTP_SSL_VERIFY=false and give CONSUL_CACERT instead");
    }
    List<Path> caFiles = new ArrayList<>();
    agent.caCert().ifPresent(caFiles::add);
    agent
        .caPath()
        .ifPresent(
            dir -> {
              try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).sorted().forEach(caFiles::add);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot list CONSUL_CAPATH " + dir, e);
              }
            });
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      if (caFiles.isEmpty()) {
        tls.init(null, null, null);
        return tls;
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      int n = 0;
      for (Path file : caFiles) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate ca : x509.generateCertificates(in)) {
            trust.setCertificateEntry("ca-" + n++, ca);
          }
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      tls.init(null, factory.getTrustManagers(), null);
      return tls;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the agent's CA certificates " + caFiles + ": " + e, e);
    }
  }

  /** The agent refused or could not answer an operator request; the message names the request. */
  public static final class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AdminException(String message) {
      super(message);
    }

    AdminException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
