package dev.connectnative.internal.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code Roots[]} in {@code /v1/agent/connect/ca/roots}.
 *
 * @param id SHA-1 fingerprint of the root, lowercase colon hex
 * @param name display name
 * @param serialNumber serial number (a JSON number in the answer)
 * @param signingKeyId the root's subject key identifier, lowercase colon hex; leaf AKIs match it
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param rootCertPem the root certificate PEM
 * @param intermediateCertsPem cross-signed certificates for this root (empty when {@code null})
 * @param active whether this is the root that signs new leaves
 * @param privateKeyType {@code ec} or {@code rsa}
 * @param privateKeyBits key size
 * @param createIndex Raft create index
 * @param modifyIndex Raft modify index
 */
public record CaRoot(
    String id,
    String name,
    long serialNumber,
    String signingKeyId,
    Instant notBefore,
    Instant notAfter,
    String rootCertPem,
    List<String> intermediateCertsPem,
    boolean active,
    String privateKeyType,
    int privateKeyBits,
    long createIndex,
    long modifyIndex) {
  public CaRoot {
    requireNonNull(id, "id");
    requireNonNull(signingKeyId, "signingKeyId");
    requireNonNull(rootCertPem, "rootCertPem");
    intermediateCertsPem = List.copyOf(intermediateCertsPem);
  }

  static CaRoot from(JsonNode node, String where) throws MalformedAnswerException {
    JsonFields f = JsonFields.object(node, where);
    return new CaRoot(
        f.text("ID"),
        f.textOr("Name", ""),
        f.integerOr("SerialNumber", 0),
        f.text("SigningKeyID"),
        f.raw("NotBefore") == null ? null : f.instant("NotBefore"),
        f.raw("NotAfter") == null ? null : f.instant("NotAfter"),
        f.text("RootCert"),
        f.strings("IntermediateCerts"),
        f.boolOr("Active", false),
        f.textOr("PrivateKeyType", ""),
        (int) f.integerOr("PrivateKeyBits", 0),
        f.integerOr("CreateIndex", 0),
        f.integerOr("ModifyIndex", 0));
  }

  static List<CaRoot> list(JsonFields f, String field) throws MalformedAnswerException {
    List<JsonNode> nodes = f.list(field);
    List<CaRoot> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      out.add(from(nodes.get(i), f.path(field) + "[" + i + "]"));
    }
    return out;
  }
}
