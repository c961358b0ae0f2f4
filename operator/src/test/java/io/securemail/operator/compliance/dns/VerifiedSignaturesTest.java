package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class VerifiedSignaturesTest {

  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void aDigestIsRememberedUntilTheMaximumAge() {
    VerifiedSignatures verified = new VerifiedSignatures(10, Duration.ofMinutes(15), clock);
    verified.add("a");
    now = now.plus(Duration.ofMinutes(14));
    assertThat(verified.contains("a")).isTrue();
    assertThat(verified.contains("b")).isFalse();
    now = now.plus(Duration.ofMinutes(1));
    assertThat(verified.contains("a")).isFalse();
    assertThat(verified.size()).isZero();
  }

  @Test
  void boundedOldestFirstOutAndExpiredDroppedAsNewOnesComeIn() {
    VerifiedSignatures verified = new VerifiedSignatures(2, Duration.ofMinutes(15), clock);
    verified.add("a");
    verified.add("b");
    verified.add("c");
    assertThat(verified.size()).isEqualTo(2);
    assertThat(verified.contains("a")).isFalse();
    assertThat(verified.contains("c")).isTrue();

    VerifiedSignatures aging = new VerifiedSignatures(100, Duration.ofMinutes(15), clock);
    aging.add("old");
    now = now.plus(Duration.ofMinutes(16));
    aging.add("new");
    assertThat(aging.size()).isEqualTo(1);
  }
}
