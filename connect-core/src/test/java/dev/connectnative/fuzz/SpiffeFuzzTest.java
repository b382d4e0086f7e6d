package dev.connectnative.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.connectnative.InvalidIdentityException;
import dev.connectnative.SpiffeId;
import dev.connectnative.internal.spiffe.SpiffeParser;

/**
 * SPIFFE URIs come from peer certificates and agent answers. Any text either parses into an
 * identity that parses again to itself, or is refused with {@link InvalidIdentityException}; no
 * other exception may escape. Seeds: {@code SpiffeFuzzTestInputs/}.
 */
class SpiffeFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void spiffeUri(FuzzedDataProvider data) {
    String uri = data.consumeRemainingAsString();
    SpiffeId id;
    try {
      id = SpiffeParser.parse(uri);
    } catch (InvalidIdentityException refused) {
      assertThat(refused.getMessage()).startsWith("invalid SPIFFE ID");
      return;
    }
    assertThat(SpiffeParser.parse(id.toString())).isEqualTo(id);
  }
}
