package io.securemail.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A JSON schema the project publishes in docs/ (draft 2020-12), as a consumer of the JSON it
 * describes would validate with it: formats (date-time) asserted, not only annotated.
 */
public final class PublishedSchema {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private final JsonNode text;
  private final JsonSchema schema;

  private PublishedSchema(JsonNode text) {
    this.text = text;
    this.schema = FACTORY.getSchema(text,
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
  }

  /** The schema docs/{@code fileName}, read from the checkout (the tests run in operator/). */
  public static PublishedSchema load(String fileName) {
    try {
      return new PublishedSchema(MAPPER.readTree(Files.readString(Path.of("..", "docs", fileName))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the schema finds wrong with {@code json}: empty when it describes it. */
  public Set<ValidationMessage> validate(JsonNode json) {
    return schema.validate(json);
  }

  /** The messages alone, for asserting which field a rejection names. */
  public Set<String> messages(JsonNode json) {
    return validate(json).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }

  /** What the draft 2020-12 meta-schema finds wrong with the schema itself: empty when it is one. */
  public Set<ValidationMessage> metaSchemaViolations() {
    return FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema")).validate(text);
  }
}
