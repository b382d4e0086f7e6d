package dev.connectnative.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.TestCa;

/** Agent answers in Consul 1.10's JSON layout, built from run-time certificates. */
final class AgentAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentAnswers() {}

  /** {@code /v1/agent/connect/ca/roots} with {@code ca} as the only, active root. */
  static ObjectNode roots(TestCa ca) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ID", ca.rootId())
        .put("Name", "Consul CA Primary Cert")
        .put("SerialNumber", 7)
        .put("SigningKeyID", ca.signingKeyId())
        .put("ExternalTrustDomain", ca.clusterId().toString())
        .put("NotBefore", ca.rootCertificate().getNotBefore().toInstant().toString())
        .put("NotAfter", ca.rootCertificate().getNotAfter().toInstant().toString())
        .put("RootCert", ca.rootPem())
        .put("Active", true)
        .put("PrivateKeyType", "ec")
        .put("PrivateKeyBits", 256)
        .put("CreateIndex", 5)
        .put("ModifyIndex", 5);
    root.putNull("IntermediateCerts");
    ObjectNode answer = JSON.createObjectNode();
    answer.put("ActiveRootID", ca.rootId()).put("TrustDomain", ca.trustDomain());
    ArrayNode roots = answer.putArray("Roots");
    roots.add(root);
    return answer;
  }

  /** {@code /v1/agent/connect/ca/leaf/<service>} for {@code leaf}. */
  static ObjectNode leaf(IssuedLeaf leaf, String service, long index) {
    ObjectNode answer = JSON.createObjectNode();
    answer
        .put("SerialNumber", leaf.serialNumber())
        .put("CertPEM", leaf.certificatePem())
        .put("PrivateKeyPEM", leaf.privateKeyPem())
        .put("Service", service)
        .put("ServiceURI", leaf.uri())
        .put("ValidAfter", leaf.certificate().getNotBefore().toInstant().toString())
        .put("ValidBefore", leaf.certificate().getNotAfter().toInstant().toString())
        .put("CreateIndex", index)
        .put("ModifyIndex", index);
    return answer;
  }
}
