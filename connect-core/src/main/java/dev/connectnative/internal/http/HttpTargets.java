package dev.connectnative.internal.http;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ConnectService;
import dev.connectnative.DialOptions;
import dev.connectnative.NotReadyException;
import dev.connectnative.Resolver;
import dev.connectnative.ServiceIdentity;
import dev.connectnative.ServiceInstance;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * What both HTTP clients share: which host names are Connect targets, where each target is looked
 * up, its instances in round-robin order from a random start, and the identity each instance must
 * present. Lookups go to the {@link Resolver}, whose watches make a warm lookup free of agent
 * calls. Thread-safe.
 */
public final class HttpTargets {
  private final ConnectService service;
  private final Resolver resolver;
  private final DialOptions base;
  private final List<String> domains;
  private final boolean passthrough;
  private final AtomicInteger next;

  /**
   * Creates the targets of one client.
   *
   * @param service the calling service: its identity gives the trust domain and local datacenter
   * @param resolver finds instances
   * @param base namespace, partition, filter, default datacenter and timeouts for every target
   * @param domains the DNS domains of the cluster besides {@code consul}
   * @param passthrough whether other host names are reached without Connect
   * @param start where the round robin starts
   */
  public HttpTargets(
      ConnectService service,
      Resolver resolver,
      DialOptions base,
      List<String> domains,
      boolean passthrough,
      int start) {
    this.service = requireNonNull(service, "service");
    this.resolver = requireNonNull(resolver, "resolver");
    this.base = requireNonNull(base, "base");
    if (base.staticInstance().isPresent() || base.preparedQuery()) {
      throw new IllegalArgumentException(
          "HTTP dial options cannot name a static address or a prepared query: the host name"
              + " chooses the target ("
              + base
              + ")");
    }
    List<String> all = new ArrayList<>();
    for (String domain : domains) {
      all.add(normaliseDomain(domain));
    }
    if (!all.contains(ConnectHost.DEFAULT_DOMAIN)) {
      all.add(ConnectHost.DEFAULT_DOMAIN);
    }
    this.domains = List.copyOf(all);
    this.passthrough = passthrough;
    this.next = new AtomicInteger(Math.floorMod(start, Integer.MAX_VALUE));
  }

  /**
   * Returns a DNS domain in the form host names are compared with.
   *
   * @throws IllegalArgumentException if the domain is empty or malformed
   */
  public static String normaliseDomain(String domain) {
    requireNonNull(domain, "domain");
    String d = domain.toLowerCase(Locale.ROOT);
    if (d.startsWith(".")) {
      d = d.substring(1);
    }
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.contains("..") || d.chars().anyMatch(c -> c == '/' || c <= ' ')) {
      throw new IllegalArgumentException("not a DNS domain: \"" + domain + "\"");
    }
    return d;
  }

  /** The calling service. */
  ConnectService service() {
    return service;
  }

  /** Whether host names that are not Connect targets may be reached without Connect. */
  boolean passthrough() {
    return passthrough;
  }

  /** The dial options every target starts from. */
  DialOptions base() {
    return base;
  }

  /**
   * Reads a host name.
   *
   * @return the Connect target, or empty for another host name (or an IP address)
   * @throws IllegalArgumentException if the host is under a Consul domain but malformed
   */
  Optional<ConnectHost> parse(String host) {
    return ConnectHost.parse(host, domains);
  }

  /** Explains why a host that is not a Connect target is refused (passthrough is off). */
  String refusal(String host) {
    return "\""
        + host
        + "\" is not a Connect target: use https://<service>.service[.<datacenter>].consul or"
        + " https://<query>.query[.<datacenter>].consul (also under "
        + String.join(", ", domains)
        + "), or enable passthrough to reach other hosts without Connect";
  }

  /**
   * Returns the instances of a target, in the order to try them.
   *
   * @throws UnknownHostException if there is none, the lookup failed or took longer than the dial
   *     timeout; the message names the target
   */
  List<ServiceInstance> instances(ConnectHost host) throws UnknownHostException {
    try {
      return lookup(host).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownHostException unknown) {
        throw unknown;
      }
      throw unknown("cannot find " + describe(host) + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unknown("interrupted while looking up " + describe(host), new InterruptedIOException());
    }
  }

  /**
   * Looks up the instances of a target without blocking.
   *
   * @return a future completed with the instances in the order to try them, or exceptionally with
   *     an {@link UnknownHostException} naming the target when there is none, the lookup failed or
   *     took longer than the dial timeout
   */
  CompletableFuture<List<ServiceInstance>> lookup(ConnectHost host) {
    DialOptions dial = dialOptions(host);
    CompletableFuture<List<ServiceInstance>> found;
    try {
      found = resolver.resolve(host.name(), dial);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          unknown("cannot find " + describe(host) + ": " + e.getMessage(), e));
    }
    return found
        .copy()
        .orTimeout(dial.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (instances, error) -> {
              if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                String why =
                    cause instanceof TimeoutException
                        ? "no discovery answer within " + dial.timeout().toMillis() + " ms"
                        : cause.getMessage();
                throw new CompletionException(
                    unknown("cannot find " + describe(host) + ": " + why, cause));
              }
              if (instances.isEmpty()) {
                throw new CompletionException(
                    new UnknownHostException("no healthy instance of " + describe(host)));
              }
              List<ServiceInstance> ordered = new ArrayList<>(instances);
              Collections.rotate(ordered, -Math.floorMod(next.getAndIncrement(), ordered.size()));
              return ordered;
            });
  }

  /**
   * Returns the identity an instance must present.
   *
   * @throws SSLException if the calling service has no identity yet
   */
  ServiceIdentity expected(ServiceInstance instance) throws SSLException {
    try {
      return instance.expectedIdentity(service.identity().trust().trustDomain());
    } catch (NotReadyException e) {
      throw new SSLException(
          "cannot call " + instance.service() + " at " + instance.address() + ": " + e.getMessage(),
          e);
    }
  }

  /** The datacenter a target is looked up in when its host name names none. */
  String defaultDatacenter() {
    return base.datacenter()
        .orElseGet(
            () ->
                service.isReady() ? service.identity().leaf().id().datacenter() : "the local one");
  }

  /** Names a target for messages, e.g. {@code "echo" in dc1}. */
  String describe(ConnectHost host) {
    return host.describe(defaultDatacenter());
  }

  private DialOptions dialOptions(ConnectHost host) {
    DialOptions.Builder b = DialOptions.builder();
    String dc = host.datacenter() != null ? host.datacenter() : base.datacenter().orElse(null);
    if (dc != null) {
      b.datacenter(dc);
    }
    base.namespace().ifPresent(b::namespace);
    base.partition().ifPresent(b::partition);
    if (host.query()) {
      b.preparedQuery();
    } else {
      base.filter().ifPresent(b::filter);
    }
    return b.connectTimeout(base.connectTimeout())
        .handshakeTimeout(base.handshakeTimeout())
        .timeout(base.timeout())
        .build();
  }

  private static UnknownHostException unknown(String message, Throwable cause) {
    UnknownHostException e = new UnknownHostException(message);
    e.initCause(cause);
    return e;
  }
}
