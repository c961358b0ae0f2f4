package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ComplianceScheduleTest {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  @Test
  void aDomainNeverCheckedOrWhoseSpecChangedIsCheckedNow() {
    assertThat(ComplianceSchedule.nextCheck(null, 0, 1, FIVE_MINUTES, "uid", NOW)).isEqualTo(NOW);
    assertThat(ComplianceSchedule.nextCheck(NOW.minusSeconds(10), 1, 2, FIVE_MINUTES, "uid", NOW)).isEqualTo(NOW);
  }

  @Test
  void theNextCheckIsOneIntervalPlusAStablePerDomainOffsetOfAtMostATenth() {
    Instant next = ComplianceSchedule.nextCheck(NOW, 3, 3, FIVE_MINUTES, "uid-1", NOW);

    assertThat(next).isBetween(NOW.plus(FIVE_MINUTES), NOW.plus(FIVE_MINUTES).plusSeconds(30));
    assertThat(ComplianceSchedule.nextCheck(NOW, 3, 3, FIVE_MINUTES, "uid-1", NOW)).isEqualTo(next);
  }

  @Test
  void manyDomainsCheckedTogetherSpreadOverTheJitterWindow() {
    Set<Long> offsets = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      offsets.add(ComplianceSchedule.jitter(UUID.randomUUID().toString(), FIVE_MINUTES).toSeconds());
    }
    // 1000 domains land on (almost) every second of the 30-second window, not on one instant.
    assertThat(offsets).hasSizeGreaterThan(25).allSatisfy(s -> assertThat(s).isBetween(0L, 29L));
  }
}
