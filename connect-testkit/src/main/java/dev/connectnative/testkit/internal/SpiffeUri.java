package dev.connectnative.testkit.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Connect identity parsed from a certificate URI the way Consul's {@code connect.ParseCertURI}
 * does: service, agent or signing (CA) identifiers. The trust domain is not checked here.
 *
 * @param kind what the URI identifies
 * @param trustDomain the host part
 * @param namespace the namespace (services only)
 * @param datacenter the datacenter (services and agents)
 * @param service the service name (services only)
 */
public record SpiffeUri(
    Kind kind, String trustDomain, String namespace, String datacenter, String service) {
  /** What a Connect URI identifies. */
  public enum Kind {
    /** {@code /ns/<ns>/dc/<dc>/svc/<service>}. */
    SERVICE,
    /** {@code /agent/client/dc/<dc>/id/<node>}. */
    AGENT,
    /** A CA's signing identity ({@code spiffe://<trust-domain>} without path). */
    SIGNING
  }

  private static final Pattern SERVICE =
      Pattern.compile("^(?:/ap/([^/]+))?/ns/([^/]+)/dc/([^/]+)/svc/([^/]+)$");
  private static final Pattern AGENT =
      Pattern.compile("^(?:/ap/([^/]+))?/agent/client/dc/([^/]+)/id/([^/]+)$");

  /** Parses {@code text}; empty when it is not a Connect identifier at all. */
  public static Optional<SpiffeUri> parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (!"spiffe".equals(uri.getScheme()) || uri.getHost() == null) {
      return Optional.empty();
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    Matcher service = SERVICE.matcher(path);
    if (service.matches()) {
      return Optional.of(
          new SpiffeUri(
              Kind.SERVICE, uri.getHost(), service.group(2), service.group(3), service.group(4)));
    }
    Matcher agent = AGENT.matcher(path);
    if (agent.matches()) {
      return Optional.of(new SpiffeUri(Kind.AGENT, uri.getHost(), "", agent.group(2), ""));
    }
    if (path.isEmpty() && uri.getHost().indexOf('.') > 0) {
      return Optional.of(new SpiffeUri(Kind.SIGNING, uri.getHost(), "", "", ""));
    }
    return Optional.empty();
  }
}
