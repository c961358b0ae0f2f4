package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.checks.Check;
import io.securemail.operator.compliance.checks.Checks;
import io.securemail.operator.evidence.cli.EvidenceExport.Area;
import io.securemail.operator.evidence.cli.EvidenceExport.Tally;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The history mapped onto the requirement areas: shares of runs and time, failures, merged entries. */
class EvidenceMappingTest {

  /** Nov 1 00:00 to Nov 30 23:55: the three entries, each held until the next began. */
  private static final long COVERED = 2_591_700;

  @Test
  void everyCheckBelongsToExactlyOneRequirementArea() {
    for (String id : Checks.all().stream().map(Check::id).toList()) {
      assertThat(Arrays.stream(RequirementArea.values()).filter(a -> a.checks().contains(id)))
          .as("areas listing %s", id).hasSize(1);
    }
    assertThat(Arrays.stream(RequirementArea.values()).flatMap(a -> a.checks().stream()))
        .as("no area lists a check that does not exist")
        .allMatch(id -> Checks.all().stream().anyMatch(c -> c.id().equals(id)));
  }

  @Test
  void theDaneAreaFailedForSixRunsAndHalfAnHour() throws Exception {
    Area dane = area("dane");
    assertThat(dane.tally()).isEqualTo(new Tally(8640, 8634, COVERED, COVERED - 1800));
    assertThat(dane.firstFailure()).isEqualTo("2026-11-05T12:00:00Z");
    assertThat(dane.lastFailure()).isEqualTo("2026-11-05T12:25:00Z");
    assertThat(dane.entries()).extracting(EvidenceExport.AreaEntry::status).containsExactly("pass", "fail", "pass");
    assertThat(dane.entries().get(1).checks()).filteredOn(c -> c.status().equals("fail"))
        .extracting(EvidenceExport.Check::id, EvidenceExport.Check::subject)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("dane.match", "mx1.example.org[192.0.2.25]"));
    assertThat(dane.otherEvidence()).containsExactly("rollovers", "reports");
  }

  @Test
  void anAreaWhoseChecksNeverChangedIsOneEntryOverTheWholePeriod() throws Exception {
    Area transport = area("transport");
    assertThat(transport.tally()).isEqualTo(new Tally(8640, 8640, COVERED, COVERED));
    assertThat(transport.firstFailure()).isNull();
    assertThat(transport.entries()).hasSize(1);
    assertThat(transport.entries().get(0).time()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(transport.entries().get(0).lastTime()).isEqualTo("2026-11-30T23:55:00Z");
    assertThat(transport.entries().get(0).runs()).isEqualTo(8640);
    assertThat(transport.entries().get(0).checks()).extracting(EvidenceExport.Check::id)
        .containsExactly("smtp.starttls", "tls.version", "tls.cipher");
  }

  @Test
  void aCheckOfNoAreaIsShownUnderItsOwnHeadingNotDropped() throws Exception {
    Area unmapped = area(RequirementArea.UNMAPPED_ID);
    assertThat(unmapped.checks()).containsExactly("future.check");
    assertThat(unmapped.tally().runs()).isEqualTo(7338);
    assertThat(SampleEvidence.export().areas()).extracting(Area::id).containsExactly("transport", "dnssec", "dane",
        "certificates", "mta-sts", "incidents", RequirementArea.UNMAPPED_ID);
  }

  @Test
  void timeIsCutToThePeriod() throws Exception {
    EvidenceDocument document = new TimeRange(Instant.parse("2026-11-30T23:00:00Z"), null)
        .apply(SampleEvidence.document());
    Area dane = EvidenceMapping.map(document, SampleEvidence.EXPORTED_AT, SampleEvidence.TOOL).areas().get(2);
    assertThat(dane.tally()).isEqualTo(new Tally(7338, 7338, 3300, 3300));
  }

  @Test
  void theOverallVerdictAndTheReportsAreAddedUp() throws Exception {
    EvidenceExport export = SampleEvidence.export();
    assertThat(export.compliance().tally()).isEqualTo(new Tally(8640, 8634, COVERED, COVERED - 1800));
    assertThat(export.compliance().entries()).extracting(EvidenceExport.Verdicts::compliant)
        .containsExactly(true, false, true);
    assertThat(export.reportTotals().reports()).isEqualTo(2);
    assertThat(export.reportTotals().successful()).isEqualTo(630);
    assertThat(export.reportTotals().failed()).isEqualTo(5);
    // The sts failures were labelled with the rollover; the tlsa ones of Nov 19 with nothing.
    assertThat(export.reportTotals().failedUnlabelled()).isEqualTo(2);
    assertThat(export.reportTotals().byPolicyType()).extracting(EvidenceExport.TypeTotal::type,
        EvidenceExport.TypeTotal::reports, EvidenceExport.TypeTotal::failed).containsExactly(
        org.assertj.core.groups.Tuple.tuple("sts", 1L, 3L), org.assertj.core.groups.Tuple.tuple("tlsa", 2L, 2L));
    assertThat(export.rollovers()).extracting(EvidenceExport.HostRollovers::host)
        .containsExactly("mx1.example.org", "mx2.example.org");
    assertThat(export.rollovers().get(0).changes()).extracting(EvidenceExport.PhaseChange::to)
        .containsExactly("Switching", "Retiring", "Stable");
  }

  private static Area area(String id) throws ExportFailure {
    return SampleEvidence.export().areas().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
  }
}
