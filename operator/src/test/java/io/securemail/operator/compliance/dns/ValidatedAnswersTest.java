package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatedAnswersTest {

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T12:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovableClock clock = new MovableClock();

  private static ResponseFingerprint key(String name) {
    return new ResponseFingerprint(name);
  }

  private static DnsAnswer secure(String name) {
    return DnsAnswer.of(name, "A", DnssecState.secure, "192.0.2.10");
  }

  @Test
  void aVerdictStandsForItsLifetimeAndIsDroppedAfter() {
    ValidatedAnswers answers = new ValidatedAnswers(10, Duration.ofSeconds(60), clock);
    answers.put(key("a"), secure("mx1.example.test"), Duration.ofSeconds(30));

    clock.advance(Duration.ofSeconds(29));
    assertThat(answers.get(key("a"))).contains(secure("mx1.example.test"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(answers.get(key("a"))).isEmpty();
    assertThat(answers.size()).isZero();
  }

  @Test
  void noVerdictOutlivesTheMaximumAgeWhateverTheTtls() {
    ValidatedAnswers answers = new ValidatedAnswers(10, Duration.ofSeconds(60), clock);
    answers.put(key("a"), secure("mx1.example.test"), Duration.ofHours(1));

    clock.advance(Duration.ofSeconds(59));
    assertThat(answers.get(key("a"))).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(answers.get(key("a"))).isEmpty();
  }

  @Test
  void anotherFingerprintIsAnotherQuestion() {
    ValidatedAnswers answers = new ValidatedAnswers(10, Duration.ofSeconds(60), clock);
    answers.put(key("a"), secure("mx1.example.test"), Duration.ofSeconds(30));

    assertThat(answers.get(key("b"))).isEmpty();
  }

  @Test
  void theOldestVerdictGoesWhenFull() {
    ValidatedAnswers answers = new ValidatedAnswers(2, Duration.ofSeconds(60), clock);
    answers.put(key("a"), secure("a.example.test"), Duration.ofSeconds(30));
    answers.put(key("b"), secure("b.example.test"), Duration.ofSeconds(30));
    assertThat(answers.get(key("a"))).isPresent();

    answers.put(key("c"), secure("c.example.test"), Duration.ofSeconds(30));

    assertThat(answers.size()).isEqualTo(2);
    assertThat(answers.get(key("a"))).isEmpty();
    assertThat(answers.get(key("b"))).isPresent();
    assertThat(answers.get(key("c"))).isPresent();
  }

  @Test
  void expiredVerdictsAreDroppedAsNewOnesComeIn() {
    ValidatedAnswers answers = new ValidatedAnswers(100, Duration.ofSeconds(60), clock);
    answers.put(key("a"), secure("a.example.test"), Duration.ofSeconds(10));
    answers.put(key("b"), secure("b.example.test"), Duration.ofSeconds(20));
    clock.advance(Duration.ofSeconds(15));

    answers.put(key("c"), secure("c.example.test"), Duration.ofSeconds(30));

    // Nobody asked for "a" again; it is gone all the same.
    assertThat(answers.size()).isEqualTo(2);
    assertThat(answers.get(key("b"))).isPresent();
  }

  @Test
  void onlyDefiniteVerdictsAreKept() {
    ValidatedAnswers answers = new ValidatedAnswers(10, Duration.ofSeconds(60), clock);
    answers.put(key("bogus"), DnsAnswer.failed("x.example.test", "A", DnsAnswer.Outcome.ERROR, DnssecState.bogus,
        "SERVFAIL"), Duration.ofSeconds(30));
    answers.put(key("indeterminate"), new DnsAnswer("x.example.test", "A", DnsAnswer.Outcome.ANSWER,
        List.of("192.0.2.1"), DnssecState.indeterminate, ""), Duration.ofSeconds(30));
    answers.put(key("unreachable"), DnsAnswer.failed("x.example.test", "A", DnsAnswer.Outcome.UNREACHABLE,
        DnssecState.indeterminate, "no answer"), Duration.ofSeconds(30));
    answers.put(key("expired"), secure("x.example.test"), Duration.ZERO);

    assertThat(answers.size()).isZero();

    answers.put(key("nxdomain"), DnsAnswer.nxdomain("x.example.test", "A", DnssecState.secure), Duration.ofSeconds(30));
    answers.put(key("insecure"), DnsAnswer.of("x.unsigned.test", "A", DnssecState.insecure, "192.0.2.1"),
        Duration.ofSeconds(30));
    assertThat(answers.size()).isEqualTo(2);
  }
}
