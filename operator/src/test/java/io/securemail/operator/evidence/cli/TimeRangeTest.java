package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** --since and --until, and what a period leaves of a saved document. */
class TimeRangeTest {

  private static final Instant NOW = Instant.parse("2026-12-06T22:00:00Z");

  @Test
  void aBoundIsAnInstantADayOrADurationBackFromNow() {
    assertThat(TimeBound.parse("--since", "30d", NOW)).isEqualTo(Instant.parse("2026-11-06T22:00:00Z"));
    assertThat(TimeBound.parse("--since", "2w", NOW)).isEqualTo(Instant.parse("2026-11-22T22:00:00Z"));
    assertThat(TimeBound.parse("--since", "12h", NOW)).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(TimeBound.parse("--since", "90m", NOW)).isEqualTo(Instant.parse("2026-12-06T20:30:00Z"));
    assertThat(TimeBound.parse("--since", "P1DT1H", NOW)).isEqualTo(Instant.parse("2026-12-05T21:00:00Z"));
    assertThat(TimeBound.parse("--since", "2026-11-01", NOW)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(TimeBound.parse("--until", "2026-11-01T01:00:00+01:00", NOW))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void anythingElseNamesTheOptionAndTheFormsItTakes() {
    for (String bad : new String[] {"yesterday", "30", "30y", "-1d", "2026-13-01", "PT-1H", "P999999999999D"}) {
      assertThatThrownBy(() -> TimeBound.parse("--until", bad, NOW)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--until '" + bad + "'");
    }
    assertThatThrownBy(() -> new TimeRange(Instant.parse("2026-11-02T00:00:00Z"),
        Instant.parse("2026-11-01T00:00:00Z")))
        .hasMessageContaining("is after --until");
  }

  @Test
  void aPeriodKeepsWhatLiesInItAndComplianceEntriesThatOverlapIt() throws Exception {
    EvidenceDocument filtered = new TimeRange(Instant.parse("2026-11-10T00:00:00Z"), null)
        .apply(SampleEvidence.document());
    // The third entry began on Nov 5 and lasted the month: it overlaps, and is kept whole.
    assertThat(filtered.compliance()).extracting(EvidenceDocument.Compliance::runs).containsExactly(7338L);
    assertThat(filtered.rollovers()).isEmpty();
    assertThat(filtered.mtaSts()).isEmpty();
    assertThat(filtered.mx()).isEmpty();
    assertThat(filtered.reports()).extracting(EvidenceDocument.Report::receivedAt)
        .containsExactly(Instant.parse("2026-11-20T06:00:00Z"));
    assertThat(filtered.since()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
    assertThat(filtered.until()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
  }

  @Test
  void aPeriodEndingEarlyDropsTheLaterHistory() throws Exception {
    EvidenceDocument filtered = new TimeRange(null, Instant.parse("2026-11-05T12:10:00Z"))
        .apply(SampleEvidence.document());
    assertThat(filtered.compliance()).extracting(EvidenceDocument.Compliance::runs).containsExactly(1296L, 6L);
    assertThat(filtered.rollovers()).extracting(EvidenceDocument.Rollover::to).containsExactly("Switching");
    assertThat(filtered.reports()).isEmpty();
    assertThat(filtered.since()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(filtered.until()).isEqualTo(Instant.parse("2026-11-05T12:10:00Z"));
  }
}
