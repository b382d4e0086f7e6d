package dev.connectnative.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.Instantiatable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON in the layout Consul's dev agent writes: Go's 4-space indent and HTML-safe escapes. */
public final class Json {
  /** Shared mapper; configured once, thread-safe afterwards. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final ObjectWriter PRETTY;

  static {
    MAPPER.getFactory().setCharacterEscapes(new GoEscapes());
    PRETTY = MAPPER.writer(new GoPrettyPrinter(0));
  }

  private Json() {}

  /** Creates an empty object node. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Creates an empty array node. */
  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Writes {@code node} like Go's {@code json.MarshalIndent(v, "", " ")} plus a newline. */
  public static byte[] pretty(JsonNode node) {
    try {
      return (PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Escapes {@code <}, {@code >} and {@code &} as Go's encoder does. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] codes;

    GoEscapes() {
      codes = standardAsciiEscapesForJSON();
      codes['<'] = ESCAPE_CUSTOM;
      codes['>'] = ESCAPE_CUSTOM;
      codes['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return codes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return new SerializedString(String.format("\\u%04x", ch));
    }
  }

  /** Go's indentation: 4 spaces, {@code ": "} after keys, {@code []} and {@code {}} when empty. */
  private static final class GoPrettyPrinter
      implements PrettyPrinter, Instantiatable<GoPrettyPrinter> {
    private int depth;

    GoPrettyPrinter(int depth) {
      this.depth = depth;
    }

    @Override
    public GoPrettyPrinter createInstance() {
      return new GoPrettyPrinter(0);
    }

    private void newline(JsonGenerator gen) throws IOException {
      gen.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        gen.writeRaw("    ");
      }
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator gen) throws IOException {
      gen.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator gen) throws IOException {
      gen.writeRaw('{');
      depth++;
    }

    @Override
    public void writeEndObject(JsonGenerator gen, int entries) throws IOException {
      depth--;
      if (entries > 0) {
        newline(gen);
      }
      gen.writeRaw('}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator gen) throws IOException {
      gen.writeRaw(',');
      newline(gen);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator gen) throws IOException {
      gen.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator gen) throws IOException {
      gen.writeRaw('[');
      depth++;
    }

    @Override
    public void writeEndArray(JsonGenerator gen, int values) throws IOException {
      depth--;
      if (values > 0) {
        newline(gen);
      }
      gen.writeRaw(']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator gen) throws IOException {
      gen.writeRaw(',');
      newline(gen);
    }

    @Override
    public void beforeArrayValues(JsonGenerator gen) throws IOException {
      newline(gen);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator gen) throws IOException {
      newline(gen);
    }
  }
}
