package dev.connectnative.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.LeafCertificate;
import dev.connectnative.internal.pem.Pem;
import dev.connectnative.testkit.IssuedLeaf;
import dev.connectnative.testkit.KeyEncoding;
import dev.connectnative.testkit.TestCa;

/**
 * PEM certificates and keys come from the agent. The fuzzer edits a valid leaf certificate and key
 * minted at run time (SEC1, PKCS#8, PKCS#1 RSA): overwrites, insertions, truncation, or raw text.
 * The parsers either accept or refuse with {@link InvalidIdentityException}; nothing else escapes.
 */
class PemFuzzTest {
  private static final TestCa CA = TestCa.create();
  private static final IssuedLeaf SEC1 = CA.leaf("web");
  private static final IssuedLeaf PKCS8 =
      CA.leafBuilder("web").keyEncoding(KeyEncoding.PKCS8).issue();

  @FuzzTest(maxDuration = "30s")
  void leafCertificateAndKey(FuzzedDataProvider data) {
    IssuedLeaf base = data.consumeBoolean() ? SEC1 : PKCS8;
    boolean editCertificate = data.consumeBoolean();
    String cert = editCertificate ? edit(base.certificatePem(), data) : base.certificatePem();
    String key = editCertificate ? base.privateKeyPem() : edit(base.privateKeyPem(), data);
    try {
      Pem.certificates(cert, "fuzzed certificate");
    } catch (InvalidIdentityException refused) {
      // Refusing is the expected outcome for most edits.
    }
    try {
      Pem.privateKey(key, "fuzzed key");
    } catch (InvalidIdentityException refused) {
      // As above.
    }
    try {
      LeafCertificate.fromPem(cert, key);
    } catch (InvalidIdentityException refused) {
      // As above.
    }
  }

  /** Applies one edit chosen by the fuzzer to {@code pem}. */
  static String edit(String pem, FuzzedDataProvider data) {
    switch (data.consumeInt(0, 3)) {
      case 0:
        return pem.substring(0, data.consumeInt(0, pem.length()));
      case 1:
        {
          int at = data.consumeInt(0, pem.length());
          return pem.substring(0, at) + data.consumeString(64) + pem.substring(at);
        }
      case 2:
        {
          char[] chars = pem.toCharArray();
          int edits = data.consumeInt(1, 16);
          for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            chars[data.consumeInt(0, chars.length - 1)] = data.consumeChar();
          }
          return new String(chars);
        }
      default:
        return data.consumeRemainingAsString();
    }
  }
}
