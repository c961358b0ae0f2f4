package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.securemail.operator.PublishedSchema;
import org.junit.jupiter.api.Test;

/** {@code evidence --format json} as the published schema (docs/evidence.schema.json) describes it. */
class EvidenceSchemaTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final PublishedSchema SCHEMA = PublishedSchema.load("evidence.schema.json");

  private static JsonNode export(EvidenceDocument document) throws Exception {
    return MAPPER.readTree(Format.json.render(EvidenceMapping.map(document, SampleEvidence.EXPORTED_AT,
        SampleEvidence.TOOL)));
  }

  @Test
  void theSchemaIsAValidDraft202012Schema() throws Exception {
    assertThat(SCHEMA.metaSchemaViolations()).isEmpty();
  }

  @Test
  void theSampleExportIsWhatTheSchemaDescribes() throws Exception {
    JsonNode export = export(SampleEvidence.document());
    assertThat(export.get("areas")).hasSize(7);
    assertThat(SCHEMA.validate(export)).isEmpty();
  }

  @Test
  void anExportOfAnEmptyHistoryIsToo() throws Exception {
    JsonNode export = export(EvidenceReader.read("{\"schemaVersion\": 1, \"domain\": \"example.net\"}"));
    assertThat(export.get("since").isNull()).isTrue();
    assertThat(SCHEMA.validate(export)).isEmpty();
  }

  @Test
  void theSchemaRejectsAnExportWithoutItsVersionALocalTimeOrAnUnknownStatus() throws Exception {
    ObjectNode noVersion = (ObjectNode) export(SampleEvidence.document());
    noVersion.remove("schemaVersion");
    assertThat(SCHEMA.messages(noVersion)).anyMatch(m -> m.contains("schemaVersion"));

    ObjectNode local = (ObjectNode) export(SampleEvidence.document());
    local.put("exportedAt", "2026-12-06T23:00:00+01:00");
    assertThat(SCHEMA.messages(local)).anyMatch(m -> m.contains("exportedAt"));

    ObjectNode status = (ObjectNode) export(SampleEvidence.document());
    ((ObjectNode) status.get("areas").get(2).get("entries").get(0)).put("status", "ok");
    assertThat(SCHEMA.messages(status)).anyMatch(m -> m.contains("status"));
  }
}
