package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DaneStatus;
import org.junit.jupiter.api.Test;

class HeldTtlTest {

  static DaneStatus remembered(String next, Integer ttl) {
    DaneStatus status = new DaneStatus();
    status.setNextSpkiSha256(next);
    status.setTlsaTtlSeconds(ttl);
    return status;
  }

  @Test
  void aTtlLoweredAfterTheNextKeysRecordAppearedStillCountsAtItsOldValue() {
    // Published under a TTL of a day, lowered to five minutes: caches may hold the old set a day.
    assertThat(HeldTtl.of(remembered("key-b1", 86400), "key-b1", 300)).isEqualTo(86400);
  }

  @Test
  void aRaisedTtlCounts() {
    assertThat(HeldTtl.of(remembered("key-b1", 300), "key-b1", 3600)).isEqualTo(3600);
  }

  @Test
  void aNewNextKeyStartsFromTheTtlInEffect() {
    assertThat(HeldTtl.of(remembered("key-b1", 86400), "key-b2", 300)).isEqualTo(300);
    assertThat(HeldTtl.of(null, "key-b1", 300)).isEqualTo(300);
    assertThat(HeldTtl.of(remembered("key-b1", null), "key-b1", 300)).as("status of an earlier version").isEqualTo(300);
  }

  @Test
  void anEmergencySwitchWaitsTwiceTheHeldTtl() {
    var facts = new RolloverFacts("key-b1", true, true, java.util.Set.of("key-a1"), RolloverFacts.Request.emergency,
        java.time.Duration.ZERO, java.time.Duration.ofHours(48),
        java.time.Duration.ofSeconds(HeldTtl.of(remembered("key-b1", 86400), "key-b1", 300)));
    assertThat(DaneRollover.requiredAge(facts, true)).isEqualTo(java.time.Duration.ofDays(2));
  }
}
