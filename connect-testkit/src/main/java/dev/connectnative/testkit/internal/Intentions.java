package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Intentions, stored as Consul 1.9+ stores them: one {@code service-intentions} config entry per
 * destination, whose sources may still carry legacy ids when they were created through the old
 * ID-based API. Writing an entry through the new API (exact PUT, config entry PUT) drops the legacy
 * fields of all its sources, as the real agent does.
 */
public final class Intentions {
  /** One source of a config entry. */
  public static final class Source {
    final String name;
    String action;
    String description;
    JsonNode permissions;
    String legacyId;
    Instant legacyCreated;
    Instant legacyUpdated;

    Source(String name) {
      this.name = name;
    }

    boolean isL7() {
      return permissions != null && permissions.isArray() && !permissions.isEmpty();
    }
  }

  /** One {@code service-intentions} config entry. */
  public static final class Entry {
    final String destination;
    final List<Source> sources = new ArrayList<>();
    final long createIndex;
    long modifyIndex;

    Entry(String destination, long index) {
      this.destination = destination;
      this.createIndex = index;
      this.modifyIndex = index;
    }
  }

  /**
   * The outcome of matching a connection against the intentions.
   *
   * @param source the matching source, or null
   * @param destination the destination entry's name, or null
   * @param precedence the match's precedence
   */
  public record Match(Source source, String destination, int precedence) {
    /** Tells whether the match allows an L4 connection (L7 intentions deny L4). */
    public boolean allowsL4() {
      return !source.isL7() && "allow".equals(source.action);
    }

    /** Renders the reason text Consul's authorize endpoint returns. */
    public String reason() {
      String id = source.legacyId != null ? "ID: " + source.legacyId + ", " : "";
      String detail =
          source.isL7()
              ? "Permissions: " + source.permissions.size()
              : "Action: " + source.action.toUpperCase(Locale.ROOT);
      return "Matched "
          + (source.isL7() ? "L7" : "L4")
          + " intention: default/"
          + source.name
          + " => default/"
          + destination
          + " ("
          + id
          + "Precedence: "
          + precedence
          + ", "
          + detail
          + ")";
    }
  }

  private final AgentState state;
  private final Map<String, Entry> entries = new TreeMap<>();
  private long index;

  /** Creates an empty store. */
  public Intentions(AgentState state) {
    this.state = state;
    this.index = state.currentIndex();
  }

  /** Returns the index of the last intention change; the caller holds the lock. */
  public long index() {
    return Math.max(index, 1);
  }

  /** Consul's precedence in the default namespace: 9, 8 (* source), 6 (* destination), 5. */
  public static int precedence(String source, String destination) {
    boolean srcWild = "*".equals(source);
    boolean dstWild = "*".equals(destination);
    if (!dstWild) {
      return srcWild ? 8 : 9;
    }
    return srcWild ? 5 : 6;
  }

  /**
   * Creates a legacy (ID-based) intention; the caller holds the lock.
   *
   * @throws ApiException 400 if one already exists for this pair
   */
  public String createLegacy(String source, String destination, String action, String description) {
    Entry entry = entries.get(destination);
    if (entry != null && find(entry, source).isPresent()) {
      throw new ApiException(
          500,
          "duplicate intention found: default/"
              + source
              + " => default/"
              + destination
              + " (Precedence: "
              + precedence(source, destination)
              + ", Action: "
              + action.toUpperCase(Locale.ROOT)
              + ")");
    }
    long idx = touch();
    if (entry == null) {
      entry = new Entry(destination, idx);
      entries.put(destination, entry);
    }
    Source created = new Source(source);
    created.action = action;
    created.description = description;
    created.legacyId = UUID.randomUUID().toString();
    created.legacyCreated = state.clock().instant();
    created.legacyUpdated = created.legacyCreated;
    entry.sources.add(created);
    entry.modifyIndex = idx;
    state.changed();
    return created.legacyId;
  }

  /** Deletes a legacy intention by id; the caller holds the lock. Returns false if unknown. */
  public boolean deleteLegacy(String id) {
    for (Entry entry : entries.values()) {
      Optional<Source> found =
          entry.sources.stream().filter(s -> id.equals(s.legacyId)).findFirst();
      if (found.isPresent()) {
        entry.sources.remove(found.get());
        dropIfEmpty(entry);
        return true;
      }
    }
    return false;
  }

  /** Updates a legacy intention's action by id; the caller holds the lock. */
  public boolean updateLegacy(String id, String action, String description) {
    for (Entry entry : entries.values()) {
      for (Source source : entry.sources) {
        if (id.equals(source.legacyId)) {
          source.action = action;
          source.description = description;
          source.legacyUpdated = state.clock().instant();
          entry.modifyIndex = touch();
          state.changed();
          return true;
        }
      }
    }
    return false;
  }

  /** Creates or replaces one source through the new (exact) API; the caller holds the lock. */
  public void upsertExact(String source, String destination, String action, String description) {
    long idx = touch();
    Entry entry = entries.computeIfAbsent(destination, d -> new Entry(d, idx));
    convertToNewStyle(entry);
    Source target = find(entry, source).orElseGet(() -> addSource(entry, source));
    target.action = action;
    target.description = description;
    target.permissions = null;
    entry.modifyIndex = idx;
    state.changed();
  }

  /** Deletes one source through the new (exact) API; the caller holds the lock. */
  public boolean deleteExact(String source, String destination) {
    Entry entry = entries.get(destination);
    if (entry == null) {
      return false;
    }
    Optional<Source> found = find(entry, source);
    if (found.isEmpty()) {
      return false;
    }
    convertToNewStyle(entry);
    entry.sources.remove(found.get());
    dropIfEmpty(entry);
    return true;
  }

  /**
   * Replaces a whole config entry from its JSON; the caller holds the lock.
   *
   * @throws ApiException 400 on a malformed entry
   */
  public void putConfigEntry(JsonNode body) {
    String name = text(body, "Name");
    if (name.isEmpty()) {
      throw ApiException.badRequest("Request decoding failed: Name is required");
    }
    JsonNode sources = body.get("Sources");
    long idx = touch();
    Entry previous = entries.get(name);
    Entry entry = new Entry(name, previous != null ? previous.createIndex : idx);
    entry.modifyIndex = idx;
    if (sources != null && sources.isArray()) {
      for (JsonNode node : sources) {
        Source source = new Source(text(node, "Name"));
        JsonNode permissions = node.get("Permissions");
        String action = text(node, "Action").toLowerCase(Locale.ROOT);
        boolean hasPermissions =
            permissions != null && permissions.isArray() && !permissions.isEmpty();
        if (source.name.isEmpty()) {
          throw new ApiException(500, "Sources[" + entry.sources.size() + "].Name is required");
        }
        if (hasPermissions == !action.isEmpty()) {
          throw new ApiException(
              500,
              "Sources["
                  + entry.sources.size()
                  + "] must specify exactly one of action or permissions");
        }
        source.action = hasPermissions ? null : action;
        source.permissions = hasPermissions ? permissions.deepCopy() : null;
        source.description = text(node, "Description");
        entry.sources.add(source);
      }
    }
    entries.put(name, entry);
    state.changed();
  }

  /** Deletes a config entry; the caller holds the lock. */
  public void deleteConfigEntry(String name) {
    if (entries.remove(name) != null) {
      touch();
      state.changed();
    }
  }

  /** Renders one config entry, if present; the caller holds the lock. */
  public Optional<ObjectNode> configEntryJson(String name) {
    Entry entry = entries.get(name);
    if (entry == null) {
      return Optional.empty();
    }
    ObjectNode out = Json.object();
    out.put("Kind", "service-intentions");
    out.put("Name", entry.destination);
    ArrayNode sources = out.putArray("Sources");
    for (Source source : entry.sources) {
      ObjectNode node = sources.addObject();
      node.put("Name", source.name);
      if (source.action != null) {
        node.put("Action", source.action);
      }
      if (source.isL7()) {
        node.set("Permissions", source.permissions.deepCopy());
      }
      node.put("Precedence", precedence(source.name, entry.destination));
      node.put("Type", "consul");
      if (source.description != null && !source.description.isEmpty()) {
        node.put("Description", source.description);
      }
      if (source.legacyId != null) {
        node.put("LegacyID", source.legacyId);
        node.putObject("LegacyMeta");
        node.put("LegacyCreateTime", source.legacyCreated.toString());
        node.put("LegacyUpdateTime", source.legacyUpdated.toString());
      }
    }
    out.put("CreateIndex", entry.createIndex);
    out.put("ModifyIndex", entry.modifyIndex);
    return Optional.of(out);
  }

  /** Renders {@code GET /v1/connect/intentions}; the caller holds the lock. */
  public ArrayNode listJson() {
    ArrayNode out = Json.array();
    all().forEach(m -> out.add(intentionJson(m)));
    return out;
  }

  /** Returns the intentions that apply to {@code destination}, highest precedence first. */
  public List<Match> matchDestination(String destination) {
    List<Match> out = new ArrayList<>();
    for (Match match : all()) {
      if (match.destination().equals(destination) || "*".equals(match.destination())) {
        out.add(match);
      }
    }
    return out;
  }

  /** Returns the intentions whose source is {@code source}, highest precedence first. */
  public List<Match> matchSource(String source) {
    List<Match> out = new ArrayList<>();
    for (Match match : all()) {
      if (match.source().name.equals(source) || "*".equals(match.source().name)) {
        out.add(match);
      }
    }
    return out;
  }

  /** Finds the intention deciding a connection from {@code source} to {@code destination}. */
  public Optional<Match> decide(String source, String destination) {
    return matchDestination(destination).stream()
        .filter(m -> m.source().name.equals(source) || "*".equals(m.source().name))
        .findFirst();
  }

  /** Renders one intention as the list and match endpoints do. */
  public ObjectNode intentionJson(Match match) {
    Source source = match.source();
    Entry entry = entries.get(match.destination());
    ObjectNode node = Json.object();
    if (source.legacyId != null) {
      node.put("CreatedAt", source.legacyCreated.toString());
      node.put("UpdatedAt", source.legacyUpdated.toString());
      node.put("ID", source.legacyId);
    }
    if (source.description != null && !source.description.isEmpty()) {
      node.put("Description", source.description);
    }
    node.put("SourceNS", "default");
    node.put("SourceName", source.name);
    node.put("DestinationNS", "default");
    node.put("DestinationName", match.destination());
    node.put("SourceType", "consul");
    if (source.action != null) {
      node.put("Action", source.action);
    }
    if (source.isL7()) {
      node.set("Permissions", source.permissions.deepCopy());
    }
    node.put("Precedence", match.precedence());
    if (source.legacyId != null) {
      node.put("Hash", hash(source, match.destination()));
    }
    node.put("CreateIndex", entry.createIndex);
    node.put("ModifyIndex", entry.modifyIndex);
    return node;
  }

  /** Returns every intention, highest precedence first; the caller holds the lock. */
  public List<Match> all() {
    List<Match> out = new ArrayList<>();
    for (Entry entry : entries.values()) {
      for (Source source : entry.sources) {
        out.add(new Match(source, entry.destination, precedence(source.name, entry.destination)));
      }
    }
    out.sort(
        Comparator.comparingInt(Match::precedence)
            .reversed()
            .thenComparing(Match::destination)
            .thenComparing(m -> m.source().name));
    return out;
  }

  private long touch() {
    index = state.nextIndex();
    return index;
  }

  private void dropIfEmpty(Entry entry) {
    long idx = touch();
    entry.modifyIndex = idx;
    if (entry.sources.isEmpty()) {
      entries.remove(entry.destination);
    }
    state.changed();
  }

  private static void convertToNewStyle(Entry entry) {
    for (Source source : entry.sources) {
      source.legacyId = null;
      source.legacyCreated = null;
      source.legacyUpdated = null;
    }
  }

  private static Source addSource(Entry entry, String name) {
    Source source = new Source(name);
    entry.sources.add(source);
    return source;
  }

  private static Optional<Source> find(Entry entry, String name) {
    return entry.sources.stream().filter(s -> s.name.equals(name)).findFirst();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static String hash(Source source, String destination) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String material = source.name + "\n" + destination + "\n" + source.action + "\n";
      return Base64.getEncoder()
          .encodeToString(digest.digest(material.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
