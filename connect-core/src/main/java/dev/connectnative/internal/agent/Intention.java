package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One intention from {@code /v1/connect/intentions/match}, highest precedence first.
 *
 * @param id the legacy intention ID, or an empty string for config-entry intentions
 * @param sourceNamespace source namespace
 * @param sourceName source service, or {@code *}
 * @param destinationNamespace destination namespace
 * @param destinationName destination service, or {@code *}
 * @param sourcePartition source partition, or an empty string
 * @param action {@code allow} or {@code deny}; an empty string for an L7 intention
 * @param precedence the precedence (higher wins)
 * @param hasPermissions whether the intention carries L7 {@code Permissions}
 */
public record Intention(
    String id,
    String sourceNamespace,
    String sourceName,
    String destinationNamespace,
    String destinationName,
    String sourcePartition,
    String action,
    int precedence,
    boolean hasPermissions) {
  public Intention {
    requireNonNull(id, "id");
    requireNonNull(sourceNamespace, "sourceNamespace");
    requireNonNull(sourceName, "sourceName");
    requireNonNull(destinationNamespace, "destinationNamespace");
    requireNonNull(destinationName, "destinationName");
    requireNonNull(sourcePartition, "sourcePartition");
    requireNonNull(action, "action");
  }

  static Intention from(JsonNode node, String where) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, where);
    return new Intention(
        f.textOr("ID", ""),
        f.textOr("SourceNS", ""),
        f.text("SourceName"),
        f.textOr("DestinationNS", ""),
        f.text("DestinationName"),
        f.textOr("SourcePartition", ""),
        f.textOr("Action", ""),
        (int) f.integerOr("Precedence", 0),
        !f.list("Permissions").isEmpty());
  }

  static List<Intention> matchFor(JsonNode node, String destination)
      throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, "");
    List<JsonNode> items = f.list(destination);
    List<Intention> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(from(items.get(i), destination + "[" + i + "]"));
    }
    return out;
  }
}
