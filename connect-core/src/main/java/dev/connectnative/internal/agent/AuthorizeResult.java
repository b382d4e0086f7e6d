package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer of {@code POST /v1/agent/connect/authorize}.
 *
 * @param authorized whether the intentions allow the connection
 * @param reason the agent's explanation, e.g. {@code Matched L4 intention: ...}
 */
public record AuthorizeResult(boolean authorized, String reason) {
  public AuthorizeResult {
    requireNonNull(reason, "reason");
  }

  static AuthorizeResult from(JsonNode node) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, "");
    return new AuthorizeResult(f.bool("Authorized"), f.textOr("Reason", ""));
  }
}
