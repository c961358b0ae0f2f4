package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How often a domain whose MX endpoints do not serve its key yet (DANE Initial) looks again. */
class InitialPollTest {

  static final Instant SINCE = Instant.parse("2026-12-07T04:24:57Z");
  static final Duration POLL = Duration.ofSeconds(5);
  static final RolloverState INITIAL = new RolloverState(RolloverPhase.Initial, "a", "key-a1", "key-b1", null, null,
      SINCE);

  static Duration after(Duration waited) {
    return MxCertificates.retryAfter(INITIAL, "TLSA records are withheld", SINCE.plus(waited), POLL);
  }

  @Test
  void anMtaComingUpIsLookedForEveryPollAtFirst() {
    assertThat(after(Duration.ZERO)).isEqualTo(POLL);
    assertThat(after(Duration.ofSeconds(49))).isEqualTo(POLL);
  }

  @Test
  void anMtaThatAnswersLateIsStillNoticedWithinMinutes() {
    // An MTA whose certificate was issued after a thousand others: no longer polled every 5 s, but
    // never left for the resync either.
    assertThat(after(Duration.ofSeconds(50))).isEqualTo(Duration.ofSeconds(50));
    assertThat(after(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(120));
    assertThat(after(Duration.ofDays(3))).as("a domain whose MX is not ours yet, for days").isEqualTo(Duration.ofMinutes(5));
  }
}
