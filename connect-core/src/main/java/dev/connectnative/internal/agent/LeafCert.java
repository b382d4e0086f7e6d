package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The answer of {@code /v1/agent/connect/ca/leaf/<service>}. The private key is redacted in {@link
 * #toString()}.
 *
 * @param serialNumber serial number, lowercase colon hex (a JSON string in the answer)
 * @param certPem the leaf certificate PEM, possibly followed by intermediates
 * @param privateKeyPem the leaf private key PEM (SEC1 by default)
 * @param service the service name
 * @param serviceUri the SPIFFE URI of the service
 * @param validAfter start of validity
 * @param validBefore end of validity
 * @param createIndex Raft create index
 * @param modifyIndex Raft modify index
 */
public record LeafCert(
    String serialNumber,
    String certPem,
    String privateKeyPem,
    String service,
    String serviceUri,
    Instant validAfter,
    Instant validBefore,
    long createIndex,
    long modifyIndex) {
  public LeafCert {
    requireNonNull(serialNumber, "serialNumber");
    requireNonNull(certPem, "certPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
  }

  static LeafCert from(JsonNode node) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, "");
    return new LeafCert(
        f.text("SerialNumber"),
        f.text("CertPEM"),
        f.text("PrivateKeyPEM"),
        f.textOr("Service", ""),
        f.textOr("ServiceURI", ""),
        f.instant("ValidAfter"),
        f.instant("ValidBefore"),
        f.integerOr("CreateIndex", 0),
        f.integerOr("ModifyIndex", 0));
  }

  @Override
  public String toString() {
    return "LeafCert[serialNumber="
        + serialNumber
        + ", service="
        + service
        + ", serviceUri="
        + serviceUri
        + ", validAfter="
        + validAfter
        + ", validBefore="
        + validBefore
        + ", modifyIndex="
        + modifyIndex
        + ", privateKeyPem=<redacted>]";
  }
}
