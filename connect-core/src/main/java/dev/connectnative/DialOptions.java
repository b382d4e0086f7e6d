package dev.connectnative;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to find and reach a service when dialing it: where to look (datacenter, namespace, partition,
 * filter, prepared query or a static address) and how long to wait.
 *
 * <pre>{@code
 * DialOptions options = DialOptions.builder()
 *     .datacenter("dc2")
 *     .filter("Service.Tags contains \"v2\"")
 *     .timeout(Duration.ofSeconds(5))
 *     .build();
 * SSLSocket socket = service.dial("echo", options);
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #DEFAULTS} uses every default.
 */
public final class DialOptions {
  /** The default time to open a TCP connection to one instance: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The default time for the TLS handshake with one instance: 10 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** The default time for a whole dial, discovery and every attempt included: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Options with every default: local datacenter, healthy instances, default timeouts. */
  public static final DialOptions DEFAULTS = builder().build();

  private final String datacenter;
  private final String namespace;
  private final String partition;
  private final String filter;
  private final boolean preparedQuery;
  private final ServiceInstance staticInstance;
  private final Duration connectTimeout;
  private final Duration handshakeTimeout;
  private final Duration timeout;

  private DialOptions(Builder b) {
    this.datacenter = b.datacenter;
    this.namespace = b.namespace;
    this.partition = b.partition;
    this.filter = b.filter;
    this.preparedQuery = b.preparedQuery != null && b.preparedQuery;
    this.staticInstance = b.staticInstance;
    this.connectTimeout = b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout;
    this.handshakeTimeout =
        b.handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : b.handshakeTimeout;
    this.timeout = b.timeout == null ? DEFAULT_TIMEOUT : b.timeout;
  }

  /**
   * Starts building options.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the datacenter to look in.
   *
   * @return the datacenter, or empty for the local agent's datacenter
   */
  public Optional<String> datacenter() {
    return Optional.ofNullable(datacenter);
  }

  /**
   * Returns the namespace to look in (Consul Enterprise).
   *
   * @return the namespace, or empty for the agent configuration's namespace, else {@code default}
   */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * Returns the admin partition to look in (Consul Enterprise).
   *
   * @return the partition, or empty for the agent configuration's partition, else {@code default}
   */
  public Optional<String> partition() {
    return Optional.ofNullable(partition);
  }

  /**
   * Returns the Consul filter expression applied to the instances.
   *
   * @return the filter, e.g. {@code Service.Tags contains "v2"}, or empty for none
   */
  public Optional<String> filter() {
    return Optional.ofNullable(filter);
  }

  /**
   * Tells whether the name dialed is a prepared query's name or ID rather than a service name.
   *
   * @return {@code true} for a prepared query
   */
  public boolean preparedQuery() {
    return preparedQuery;
  }

  /**
   * Returns the fixed instance to dial instead of discovering one.
   *
   * @return the instance, or empty to discover instances through the agent
   */
  public Optional<ServiceInstance> staticInstance() {
    return Optional.ofNullable(staticInstance);
  }

  /**
   * Returns the longest time to open the TCP connection to one instance.
   *
   * @return the connect timeout; {@link #DEFAULT_CONNECT_TIMEOUT} if unset
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the longest time the TLS handshake with one instance may take.
   *
   * @return the handshake timeout; {@link #DEFAULT_HANDSHAKE_TIMEOUT} if unset
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * Returns the longest time the whole dial may take: waiting for the first discovery answer and
   * every connection attempt. No dial waits longer.
   *
   * @return the overall timeout; {@link #DEFAULT_TIMEOUT} if unset
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Describes the options.
   *
   * @return the settings that were made
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("DialOptions{");
    if (datacenter != null) {
      s.append("datacenter=").append(datacenter).append(", ");
    }
    if (namespace != null) {
      s.append("namespace=").append(namespace).append(", ");
    }
    if (partition != null) {
      s.append("partition=").append(partition).append(", ");
    }
    if (filter != null) {
      s.append("filter=").append(filter).append(", ");
    }
    if (preparedQuery) {
      s.append("preparedQuery, ");
    }
    if (staticInstance != null) {
      s.append("static=").append(staticInstance.address()).append(", ");
    }
    return s.append("connectTimeout=")
        .append(connectTimeout)
        .append(", handshakeTimeout=")
        .append(handshakeTimeout)
        .append(", timeout=")
        .append(timeout)
        .append('}')
        .toString();
  }

  /** Builds {@link DialOptions}. Each setting may be made once. Not thread-safe. */
  public static final class Builder {
    private String datacenter;
    private String namespace;
    private String partition;
    private String filter;
    private Boolean preparedQuery;
    private ServiceInstance staticInstance;
    private Duration connectTimeout;
    private Duration handshakeTimeout;
    private Duration timeout;

    private Builder() {}

    /**
     * Looks for instances in another datacenter. If unset, the local agent's datacenter.
     *
     * @param datacenter the datacenter, e.g. {@code dc2}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if empty
     */
    public Builder datacenter(String datacenter) {
      this.datacenter = once(this.datacenter, nonEmpty(datacenter, "datacenter"), "datacenter");
      return this;
    }

    /**
     * Looks for instances in a namespace (Consul Enterprise). If unset, the agent configuration's
     * namespace, else {@code default}.
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if empty
     */
    public Builder namespace(String namespace) {
      this.namespace = once(this.namespace, nonEmpty(namespace, "namespace"), "namespace");
      return this;
    }

    /**
     * Looks for instances in an admin partition (Consul Enterprise). If unset, the agent
     * configuration's partition, else {@code default}.
     *
     * @param partition the partition
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if empty
     */
    public Builder partition(String partition) {
      this.partition = once(this.partition, nonEmpty(partition, "partition"), "partition");
      return this;
    }

    /**
     * Keeps only the instances matching a Consul filter expression. If unset, no filter.
     *
     * @param filter e.g. {@code Service.Meta.version == "2"}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if empty
     */
    public Builder filter(String filter) {
      this.filter = once(this.filter, nonEmpty(filter, "filter"), "filter");
      return this;
    }

    /**
     * Treats the dialed name as a prepared query's name or ID, executed with {@code ?connect=true}.
     * If unset, the name is a service name.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder preparedQuery() {
      this.preparedQuery = once(this.preparedQuery, Boolean.TRUE, "preparedQuery");
      return this;
    }

    /**
     * Dials a fixed address instead of discovering instances; the server must still present {@code
     * expected} (compared by partition, namespace, datacenter and service). If unset, instances are
     * discovered through the agent.
     *
     * @param host the host name or IP address
     * @param port the port
     * @param expected the identity the server must present
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder staticAddress(String host, int port, ServiceIdentity expected) {
      requireNonNull(expected, "expected");
      ServiceInstance instance =
          new ServiceInstance(
              "",
              expected.service(),
              expected.namespace(),
              expected.partition(),
              expected.datacenter(),
              requireNonNull(host, "host"),
              port,
              List.of(),
              Map.of());
      this.staticInstance = once(this.staticInstance, instance, "staticAddress");
      return this;
    }

    /**
     * Sets the longest time to open the TCP connection to one instance. If unset, {@link
     * #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout =
          once(this.connectTimeout, positive(connectTimeout, "connectTimeout"), "connectTimeout");
      return this;
    }

    /**
     * Sets the longest time the TLS handshake with one instance may take. If unset, {@link
     * #DEFAULT_HANDSHAKE_TIMEOUT}.
     *
     * @param handshakeTimeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout =
          once(
              this.handshakeTimeout,
              positive(handshakeTimeout, "handshakeTimeout"),
              "handshakeTimeout");
      return this;
    }

    /**
     * Sets the longest time the whole dial may take, discovery and all attempts included. If unset,
     * {@link #DEFAULT_TIMEOUT}.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = once(this.timeout, positive(timeout, "timeout"), "timeout");
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalStateException if a static address is combined with discovery settings
     */
    public DialOptions build() {
      if (staticInstance != null
          && (datacenter != null
              || namespace != null
              || partition != null
              || filter != null
              || preparedQuery != null)) {
        throw new IllegalStateException(
            "a static address cannot be combined with datacenter, namespace, partition, filter"
                + " or prepared query settings");
      }
      return new DialOptions(this);
    }

    private static <T> T once(T current, T value, String name) {
      requireNonNull(value, name);
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
      return value;
    }

    private static String nonEmpty(String value, String name) {
      requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
