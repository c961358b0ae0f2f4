package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code evidence --format json} as the published schema (docs/evidence.schema.json) describes it. */
class EvidenceSchemaTest {

  private static final Path SCHEMA = Path.of("..", "docs", "evidence.schema.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    schema = FACTORY.getSchema(MAPPER.readTree(Files.readString(SCHEMA)), config);
  }

  private static JsonNode export(EvidenceDocument document) throws Exception {
    return MAPPER.readTree(Format.json.render(EvidenceMapping.map(document, SampleEvidence.EXPORTED_AT,
        SampleEvidence.TOOL)));
  }

  @Test
  void theSchemaIsAValidDraft202012Schema() throws Exception {
    JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    assertThat(metaSchema.validate(MAPPER.readTree(Files.readString(SCHEMA)))).isEmpty();
  }

  @Test
  void theSampleExportIsWhatTheSchemaDescribes() throws Exception {
    JsonNode export = export(SampleEvidence.document());
    assertThat(export.get("areas")).hasSize(7);
    assertThat(schema.validate(export)).isEmpty();
  }

  @Test
  void anExportOfAnEmptyHistoryIsToo() throws Exception {
    JsonNode export = export(EvidenceReader.read("{\"schemaVersion\": 1, \"domain\": \"example.net\"}"));
    assertThat(export.get("since").isNull()).isTrue();
    assertThat(schema.validate(export)).isEmpty();
  }

  @Test
  void theSchemaRejectsAnExportWithoutItsVersionALocalTimeOrAnUnknownStatus() throws Exception {
    ObjectNode noVersion = (ObjectNode) export(SampleEvidence.document());
    noVersion.remove("schemaVersion");
    assertThat(messages(noVersion)).anyMatch(m -> m.contains("schemaVersion"));

    ObjectNode local = (ObjectNode) export(SampleEvidence.document());
    local.put("exportedAt", "2026-12-06T23:00:00+01:00");
    assertThat(messages(local)).anyMatch(m -> m.contains("exportedAt"));

    ObjectNode status = (ObjectNode) export(SampleEvidence.document());
    ((ObjectNode) status.get("areas").get(2).get("entries").get(0)).put("status", "ok");
    assertThat(messages(status)).anyMatch(m -> m.contains("status"));
  }

  private static Set<String> messages(JsonNode export) {
    return schema.validate(export).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }
}
