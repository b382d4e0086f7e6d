package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service to register with the {@link DevAgent}, like a {@code PUT /v1/agent/service/register}
 * body.
 *
 * <pre>{@code
 * agent.registerService(ServiceRegistration.builder("echo").id("echo-2").port(9091)
 *     .tags(List.of("v2")).ttlCheck("echo-2-ttl").build());
 * }</pre>
 *
 * @param id the service id, unique on the agent
 * @param name the service name
 * @param address the address (empty means the node's, 127.0.0.1)
 * @param port the port
 * @param tags the tags
 * @param meta the metadata
 * @param connectNative whether the service is Connect-native ({@code Connect.Native})
 * @param ttlChecks TTL checks registered with the service; each starts critical, like Consul's
 */
public record ServiceRegistration(
    String id,
    String name,
    String address,
    int port,
    List<String> tags,
    Map<String, String> meta,
    boolean connectNative,
    List<TtlCheck> ttlChecks) {

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if the id or name is empty or the port is out of range
   */
  public ServiceRegistration {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(address, "address");
    if (id.isEmpty() || name.isEmpty()) {
      throw new IllegalArgumentException("service id and name must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
    ttlChecks = List.copyOf(ttlChecks);
  }

  /**
   * A TTL check: the test marks it with {@link DevAgent#passCheck(String)} and friends.
   *
   * @param id the check id
   * @param name the check name
   * @param ttl the TTL: without an update for this long the check turns critical with output {@code
   *     TTL expired}, like Consul's
   */
  public record TtlCheck(String id, String name, Duration ttl) {
    /** Validates the components. */
    public TtlCheck {
      requireNonNull(id, "id");
      requireNonNull(name, "name");
      requireNonNull(ttl, "ttl");
    }
  }

  /**
   * Starts a registration of {@code name}.
   *
   * @param name the service name
   * @return a new builder
   */
  public static Builder builder(String name) {
    requireNonNull(name, "name");
    return new Builder(name);
  }

  /**
   * Builds a {@link ServiceRegistration}. Each setting may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private String id;
    private String address;
    private Integer port;
    private List<String> tags;
    private Map<String, String> meta;
    private Boolean connectNative;
    private final List<TtlCheck> checks = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the service id. If unset, the name.
     *
     * @param id the id
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder id(String id) {
      requireNonNull(id, "id");
      check(this.id, "id");
      this.id = id;
      return this;
    }

    /**
     * Sets the address. If unset, {@code 127.0.0.1}.
     *
     * @param address the address
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder address(String address) {
      requireNonNull(address, "address");
      check(this.address, "address");
      this.address = address;
      return this;
    }

    /**
     * Sets the port. If unset, 0.
     *
     * @param port the port
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder port(int port) {
      check(this.port, "port");
      this.port = port;
      return this;
    }

    /**
     * Sets the tags. If unset, none.
     *
     * @param tags the tags
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tags(List<String> tags) {
      requireNonNull(tags, "tags");
      check(this.tags, "tags");
      this.tags = List.copyOf(tags);
      return this;
    }

    /**
     * Sets the metadata. If unset, none.
     *
     * @param meta the metadata
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder meta(Map<String, String> meta) {
      requireNonNull(meta, "meta");
      check(this.meta, "meta");
      this.meta = new LinkedHashMap<>(meta);
      return this;
    }

    /**
     * Sets whether the service is Connect-native. If unset, {@code true}.
     *
     * @param connectNative whether {@code Connect.Native} is set
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder connectNative(boolean connectNative) {
      check(this.connectNative, "connectNative");
      this.connectNative = connectNative;
      return this;
    }

    /**
     * Adds a TTL check with a 10 minute TTL, named {@code "<checkId> ttl"}; may be called more than
     * once.
     *
     * @param checkId the check id
     * @return this builder
     */
    public Builder ttlCheck(String checkId) {
      return ttlCheck(checkId, Duration.ofMinutes(10));
    }

    /**
     * Adds a TTL check named {@code "<checkId> ttl"}; may be called more than once. The check
     * starts critical and turns critical again ({@code TTL expired}) when not updated within {@code
     * ttl}.
     *
     * @param checkId the check id
     * @param ttl the TTL
     * @return this builder
     * @throws IllegalArgumentException if the TTL is not positive
     */
    public Builder ttlCheck(String checkId, Duration ttl) {
      requireNonNull(checkId, "checkId");
      requireNonNull(ttl, "ttl");
      if (ttl.isZero() || ttl.isNegative()) {
        throw new IllegalArgumentException("ttl must be positive, not " + ttl);
      }
      checks.add(new TtlCheck(checkId, checkId + " ttl", ttl));
      return this;
    }

    /**
     * Builds the registration.
     *
     * @return the registration
     * @throws IllegalArgumentException if a value is invalid
     */
    public ServiceRegistration build() {
      return new ServiceRegistration(
          id != null ? id : name,
          name,
          address != null ? address : "127.0.0.1",
          port != null ? port : 0,
          tags != null ? tags : List.of(),
          meta != null ? meta : Map.of(),
          connectNative == null || connectNative,
          checks);
    }

    private static void check(Object current, String field) {
      if (current != null) {
        throw new IllegalStateException(field + " is already set");
      }
    }
  }
}
