package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DnsSpec.Provider;
import io.securemail.operator.kube.Backoff;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How often records not yet visible are looked for, by who publishes them. */
class DnsPublicationTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void recordsTheOperatorSentArePolledAtThePropagationPace() {
    assertThat(DnsPublication.lookAgainIn(Provider.RFC2136, NOW.minusSeconds(20), NOW)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void externalDnsIsGivenItsFirstMinuteAtThePropagationPace() {
    assertThat(DnsPublication.lookAgainIn(Provider.EXTERNAL_DNS, null, NOW)).isEqualTo(Duration.ofSeconds(5));
    assertThat(DnsPublication.lookAgainIn(Provider.EXTERNAL_DNS, NOW.minusSeconds(50), NOW))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(DnsPublication.lookAgainIn(Provider.EXTERNAL_DNS, NOW.minusSeconds(90), NOW))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void recordsAPersonPublishesAreLookedForWithBackoffFromTheStart() {
    Duration first = DnsPublication.lookAgainIn(Provider.MANUAL, null, NOW);
    assertThat(first).isEqualTo(Duration.ofSeconds(10));
    // As the reconcile backs it off with the time DnsPublished has been False: 10 s, 10 s, 20 s, 40 s ...
    assertThat(Backoff.next(DnsPublication.lookAgainIn(Provider.MANUAL, NOW.minusSeconds(10), NOW),
        NOW.minusSeconds(10), NOW)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Backoff.next(DnsPublication.lookAgainIn(Provider.MANUAL, NOW.minusSeconds(40), NOW),
        NOW.minusSeconds(40), NOW)).isEqualTo(Duration.ofSeconds(40));
  }
}
