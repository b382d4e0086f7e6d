package dev.connectnative.testkit.internal;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dev agent's ACL system: off (everything allowed), or on with {@code default_policy = "deny"},
 * one management token and per-service tokens ({@code service "<name>" { policy = "write" }} plus
 * {@code service_prefix "" { policy = "read" }}, no node read).
 */
public final class Acls {
  /**
   * What one request may do.
   *
   * @param management full access
   * @param writableService the service this token may write, or null
   */
  public record Authz(boolean management, String writableService) {
    /** Everything allowed (management token, or ACLs off). */
    public static final Authz ALL = new Authz(true, null);

    /** Nothing allowed (anonymous under default deny). */
    public static final Authz NONE = new Authz(false, null);

    /** {@code service:write} on {@code service}. */
    public boolean serviceWrite(String service) {
      return management || service.equals(writableService);
    }

    /** {@code service:read} on {@code service}. */
    public boolean serviceRead(String service) {
      return management || writableService != null;
    }

    /** {@code node:read} on the agent's node. */
    public boolean nodeRead() {
      return management;
    }

    /** {@code operator}, {@code agent} and {@code intention:write} rights. */
    public boolean operator() {
      return management;
    }
  }

  private final String masterToken;
  private final Map<String, String> serviceTokens = new ConcurrentHashMap<>();

  /** Creates the ACL system; {@code masterToken} null means ACLs off. */
  public Acls(String masterToken) {
    this.masterToken = masterToken;
  }

  /** Tells whether ACLs are on. */
  public boolean enabled() {
    return masterToken != null;
  }

  /** Returns {@code "deny"} with ACLs on, {@code "allow"} otherwise. */
  public String defaultPolicy() {
    return enabled() ? "deny" : "allow";
  }

  /** Creates a token with {@code service:write} on {@code service}. */
  public String createServiceToken(String service) {
    if (!enabled()) {
      throw new IllegalStateException("ACLs are off: set aclMasterToken to create tokens");
    }
    String token = UUID.randomUUID().toString();
    serviceTokens.put(token, service);
    return token;
  }

  /**
   * Resolves the request's token.
   *
   * @throws ApiException 403 {@code ACL not found} for an unknown token
   */
  public Authz resolve(Optional<String> token) {
    if (!enabled()) {
      return Authz.ALL;
    }
    if (token.isEmpty()) {
      return Authz.NONE;
    }
    if (token.get().equals(masterToken)) {
      return Authz.ALL;
    }
    String service = serviceTokens.get(token.get());
    if (service == null) {
      throw ApiException.forbidden("ACL not found");
    }
    return new Authz(false, service);
  }
}
