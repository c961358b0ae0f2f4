package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The operator's evidence document read as the contract describes it. */
class EvidenceReaderTest {

  @Test
  void readsTheSampleAndIgnoresFieldsItDoesNotKnow() throws Exception {
    EvidenceDocument document = SampleEvidence.document();
    assertThat(document.domain()).isEqualTo("example.org");
    assertThat(document.namespace()).isEqualTo("mail");
    assertThat(document.since()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(document.compliance()).extracting(EvidenceDocument.Compliance::runs).containsExactly(1296L, 6L, 7338L);
    assertThat(document.compliance().get(1).compliant()).isFalse();
    assertThat(document.rollovers()).hasSize(4);
    assertThat(document.rollovers().get(1).nextKey()).isNull();
    assertThat(document.reports().get(0).policies().get(0).failureTypes()).containsEntry("validation-failure", 3L);
    assertThat(document.reports().get(0).policies().get(0).labels())
        .containsExactly("reported during Switching of mx1.example.org");
  }

  @Test
  void theProfileIsNamedAsTheSpecNamesItWhetherTheDocumentSaysBsiOrBsiTr03108() throws Exception {
    EvidenceDocument document = EvidenceReader.read("""
        {"schemaVersion": 1, "domain": "example.org", "compliance": [
          {"time": "2026-11-01T00:00:00Z", "runs": 2, "profile": "bsi", "checks": [
            {"id": "dane.match", "subject": "mx1.example.org", "status": "pass"}]},
          {"time": "2026-11-02T00:00:00Z", "runs": 3, "profile": "bsi-tr-03108", "checks": [
            {"id": "dane.match", "subject": "mx1.example.org", "status": "pass"}]},
          {"time": "2026-11-03T00:00:00Z", "runs": 1, "profile": "rfc", "checks": [
            {"id": "dane.match", "subject": "mx1.example.org", "status": "pass"}]}]}
        """);
    assertThat(document.compliance()).extracting(EvidenceDocument.Compliance::profile)
        .containsExactly("bsi-tr-03108", "bsi-tr-03108", "rfc");

    // The runs before and after an upgrade are one stretch of the same results in the export.
    EvidenceExport export = EvidenceMapping.map(document, SampleEvidence.EXPORTED_AT, SampleEvidence.TOOL);
    assertThat(export.areas()).filteredOn(a -> a.id().equals("dane")).singleElement()
        .satisfies(area -> assertThat(area.entries()).extracting(EvidenceExport.AreaEntry::profile,
            EvidenceExport.AreaEntry::runs).containsExactly(tuple("bsi-tr-03108", 5L), tuple("rfc", 1L)));
  }

  @Test
  void putsEntriesOldestFirstWhateverTheOrderTheyCameIn() throws Exception {
    EvidenceDocument document = EvidenceReader.read("""
        {"schemaVersion": 1, "domain": "example.org",
         "mx": [{"time": "2026-11-07T00:00:00Z", "hosts": ["b"]}, {"time": "2026-11-06T00:00:00Z", "hosts": ["a"]}]}
        """);
    assertThat(document.mx()).extracting(m -> m.hosts().get(0)).containsExactly("a", "b");
    assertThat(document.compliance()).isEmpty();
  }

  @Test
  void anotherSchemaVersionIsRefusedWithItsOwnExitCode() {
    assertThatThrownBy(() -> EvidenceReader.read("{\"schemaVersion\": 2, \"domain\": \"example.org\"}"))
        .isInstanceOfSatisfying(ExportFailure.class, e -> {
          assertThat(e.exitCode()).isEqualTo(ExitCode.UNSUPPORTED_VERSION);
          assertThat(e.getMessage()).contains("schemaVersion 2").contains("version 1");
        });
  }

  @Test
  void aWrongFieldIsNamedByItsPath() {
    assertNotEvidence("{\"domain\": \"example.org\"}", "schemaVersion is missing");
    assertNotEvidence("[1, 2]", "the document is not a JSON object");
    assertNotEvidence("<html>Not found</html>", "not JSON");
    assertNotEvidence("{\"schemaVersion\": 1}", "domain is missing");
    assertNotEvidence("{\"schemaVersion\": 1, \"domain\": \"e\", \"compliance\": [{\"time\": \"yesterday\"}]}",
        "compliance[0].time is not an ISO-8601 instant");
    assertNotEvidence("{\"schemaVersion\": 1, \"domain\": \"e\", \"compliance\": [{\"time\": \"2026-11-01T00:00:00Z\","
        + " \"checks\": [{\"id\": \"dane.match\", \"status\": \"ok\"}]}]}",
        "compliance[0].checks[0].status is 'ok', not one of pass, warn, fail, skip");
    assertNotEvidence("{\"schemaVersion\": 1, \"domain\": \"e\", \"reports\": [{\"receivedAt\": "
        + "\"2026-11-01T00:00:00Z\", \"policies\": [{\"failed\": -1}]}]}",
        "reports[0].policies[0].failed is not a count");
    assertNotEvidence("{\"schemaVersion\": 1, \"domain\": \"e\", \"rollovers\": {}}", "rollovers is not an array");
  }

  private static void assertNotEvidence(String json, String why) {
    assertThatThrownBy(() -> EvidenceReader.read(json)).isInstanceOfSatisfying(ExportFailure.class, e -> {
      assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_EVIDENCE);
      assertThat(e.getMessage()).contains(why);
    });
  }
}
