package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingKeyReplacedTest {

  static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  static final RolloverState STABLE = new RolloverState(RolloverPhase.Stable, "a", "key-a1", "key-b1", null, T0, T0);

  static LineageKeys key(String spki) {
    return new LineageKeys(spki, null, 0, null, false);
  }

  @Test
  void aServingLineageWhoseSecretHoldsAnotherKeyIsReported() {
    String replaced = MxCertificates.servingKeyReplaced(STABLE, Map.of("a", key("key-a9"), "b", key("key-b1")));
    assertThat(replaced).contains("serving lineage a was replaced outside the operator", "key-a9", "key-a1",
        "rolling over to the next key");
  }

  @Test
  void nothingIsReportedWhileTheSecretHoldsTheServedKeyOrDuringARollover() {
    assertThat(MxCertificates.servingKeyReplaced(STABLE, Map.of("a", key("key-a1"), "b", key("key-b1")))).isNull();
    RolloverState switching = new RolloverState(RolloverPhase.Switching, "a", "key-a1", "key-b1", null, T0, T0);
    assertThat(MxCertificates.servingKeyReplaced(switching, Map.of("a", key("key-a9"), "b", key("key-b1"))))
        .as("the lineage being left may change").isNull();
    assertThat(MxCertificates.servingKeyReplaced(STABLE, Map.of("a", key(null), "b", key("key-b1"))))
        .as("no key yet: being regenerated").isNull();
  }

  @Test
  void theRolloverItAsksForServesTheNextKeyWithoutAGap() {
    // The rollover the operator asks for, as a person's request: the next key (its TLSA aged) is served.
    var facts = new RolloverFacts("key-b1", true, true, Set.of("key-a1"), RolloverFacts.Request.requested,
        Duration.ZERO, Duration.ofHours(1), Duration.ofMinutes(5));
    RolloverDecision decision = DaneRollover.decide(STABLE, facts, T0.plus(Duration.ofHours(2)));
    assertThat(decision.state().phase()).isEqualTo(RolloverPhase.Switching);
    assertThat(decision.serveLineage()).isEqualTo("b");
    assertThat(decision.tlsaSpkis()).containsExactly("key-a1", "key-b1");
  }
}
