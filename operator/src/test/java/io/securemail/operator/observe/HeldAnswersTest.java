package io.securemail.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Each domain's held answers, as the DNS step and the compliance checks see them through the operator's probe. */
class HeldAnswersTest {

  private static final Duration INTERVAL = Duration.ofMinutes(5);
  private final AtomicBoolean down = new AtomicBoolean();
  private final DnsProbe resolver = (name, type) -> down.get()
      ? DnsAnswer.failed(name, type, DnsAnswer.Outcome.UNREACHABLE, DnssecState.indeterminate, "no answer within 5 s")
      : DnsAnswer.of(name, type, DnssecState.secure, "10 mx1.example.com.");
  private final HeldAnswers held = new HeldAnswers(FaultThreshold.DEFAULT,
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @Test
  void theHeldAnswerIsSpeltAsTheQuestionWas() {
    held.over(resolver, "uid-1", INTERVAL).lookup("example.com.", "MX");
    down.set(true);

    DnsAnswer answer = held.over(resolver, "uid-1", INTERVAL).lookup("Example.com", "MX");
    assertThat(answer.outcome()).isEqualTo(DnsAnswer.Outcome.ANSWER);
    assertThat(answer.name()).as("messages name what was asked").isEqualTo("Example.com");
    assertThat(answer.data()).containsExactly("10 mx1.example.com.");
  }

  @Test
  void eachDomainHoldsOnlyWhatItSaw() {
    held.over(resolver, "uid-1", INTERVAL).lookup("example.com", "MX");
    down.set(true);

    assertThat(held.over(resolver, "uid-2", INTERVAL).lookup("example.com", "MX").outcome())
        .as("another domain never saw an answer").isEqualTo(DnsAnswer.Outcome.UNREACHABLE);
    assertThat(held.over(resolver, "uid-1", INTERVAL).lookup("example.com", "MX").outcome())
        .isEqualTo(DnsAnswer.Outcome.ANSWER);
  }

  @Test
  void aDeletedDomainsAnswersAreForgotten() {
    held.over(resolver, "uid-1", INTERVAL).lookup("example.com", "MX");
    assertThat(held.questions("uid-1")).isEqualTo(1);
    held.forget("uid-1");
    assertThat(held.questions("uid-1")).isZero();
  }
}
