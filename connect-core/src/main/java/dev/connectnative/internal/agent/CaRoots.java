package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The answer of {@code /v1/agent/connect/ca/roots}. {@code roots} is in the agent's order (by ID,
 * not active first).
 *
 * @param activeRootId the ID of the root that signs new leaves
 * @param trustDomain {@code <cluster-uuid>.consul}
 * @param roots every trusted root
 */
public record CaRoots(String activeRootId, String trustDomain, List<CaRoot> roots) {
  public CaRoots {
    requireNonNull(activeRootId, "activeRootId");
    requireNonNull(trustDomain, "trustDomain");
    roots = List.copyOf(roots);
  }

  /**
   * Finds the active root by {@link #activeRootId()}.
   *
   * @return the active root, or empty when no root has that ID
   */
  public Optional<CaRoot> activeRoot() {
    return roots.stream().filter(r -> r.id().equals(activeRootId)).findFirst();
  }

  static CaRoots from(JsonNode node) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, "");
    return new CaRoots(
        f.textOr("ActiveRootID", ""), f.textOr("TrustDomain", ""), CaRoot.list(f, "Roots"));
  }
}
