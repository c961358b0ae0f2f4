package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DaneStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaneStatesTest {

  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final Map<String, LineageKeys> KEYS = Map.of(
      "a", new LineageKeys("key-a2", null, 0, null, false),
      "b", new LineageKeys("key-b1", null, 0, null, false));

  @Test
  void aLostStatusStartsFromTheLineageTheMtaServes() {
    // After a rollover to b and a status lost to a backup restore: the MTA keeps serving b's key.
    RolloverState restored = DaneStates.restore(null, KEYS, NOW, "b");
    assertThat(restored.phase()).isEqualTo(RolloverPhase.Initial);
    assertThat(restored.servingLineage()).isEqualTo("b");
    assertThat(restored.servingSpki()).isEqualTo("key-b1");
    assertThat(restored.nextSpki()).isEqualTo("key-a2");
  }

  @Test
  void aNewDomainStartsWithLineageA() {
    assertThat(DaneStates.restore(null, KEYS, NOW, null).servingLineage()).isEqualTo("a");
    assertThat(DaneStates.restore(new DaneStatus(), KEYS, NOW, null).servingLineage()).isEqualTo("a");
  }

  @Test
  void aKeptStatusWinsOverTheServingSecret() {
    DaneStatus stable = DaneStates.toStatus(new RolloverState(RolloverPhase.Stable, "a", "key-a2", "key-b1", null,
        null, NOW), null);
    assertThat(DaneStates.restore(stable, KEYS, NOW, "b").servingLineage()).isEqualTo("a");
  }
}
