package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @Test
  void newFailureRetriesAfterTheBaseDelay() {
    assertThat(Backoff.next(Backoff.FIRST_FAILURE_RETRY, null, NOW)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Backoff.next(Backoff.FIRST_FAILURE_RETRY, NOW.minusSeconds(3), NOW)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void delayGrowsWithTheFailureAndIsCapped() {
    assertThat(Backoff.next(Backoff.FIRST_FAILURE_RETRY, NOW.minusSeconds(40), NOW)).isEqualTo(Duration.ofSeconds(40));
    assertThat(Backoff.next(Backoff.FIRST_FAILURE_RETRY, NOW.minusSeconds(3600), NOW)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void propagationIsPolledAtAFixedPace() {
    assertThat(Backoff.next(Backoff.PROPAGATION_POLL, NOW.minusSeconds(600), NOW)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void recordsSomeoneElsePublishesAreLookedForLessAndLessOftenAfterAMinute() {
    assertThat(Backoff.awaitingPublication(NOW.minusSeconds(50), NOW)).isEqualTo(Duration.ofSeconds(5));
    Duration afterAMinute = Backoff.awaitingPublication(NOW.minusSeconds(90), NOW);
    // As the reconcile applies it, with the time DnsPublished has been False.
    assertThat(Backoff.next(afterAMinute, NOW.minusSeconds(90), NOW)).isEqualTo(Duration.ofSeconds(90));
    assertThat(Backoff.next(Backoff.awaitingPublication(NOW.minusSeconds(3600), NOW), NOW.minusSeconds(3600), NOW))
        .isEqualTo(Duration.ofMinutes(5));
  }
}
