package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How soon a part that waits looks again: the wait counts from the last change of what it waits for. */
class PartStatusTest {

  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final PartStatus WAITING = PartStatus.of("MtaStsPolicyServed", "False", "PolicyNotServed", "not yet",
      Duration.ofSeconds(10), "served.", "the policy");

  @Test
  void aLongWaitIsLookedAtLessOften() {
    assertThat(WAITING.backedOff(falseSince(NOW.minusSeconds(200)), NOW).retryAfter()).isEqualTo(Duration.ofSeconds(200));
    assertThat(WAITING.backedOff(falseSince(NOW.minusSeconds(200)), null, NOW).retryAfter())
        .isEqualTo(Duration.ofSeconds(200));
  }

  @Test
  void aChangeOfWhatIsWaitedForStartsTheWaitAgain() {
    // The certificate reached the policy server 5 s ago, after 200 s of waiting for it.
    assertThat(WAITING.backedOff(falseSince(NOW.minusSeconds(200)), NOW.minusSeconds(5), NOW).retryAfter())
        .isEqualTo(Duration.ofSeconds(10));
    // 40 s after that change: looked at as a wait of 40 s.
    assertThat(WAITING.backedOff(falseSince(NOW.minusSeconds(240)), NOW.minusSeconds(40), NOW).retryAfter())
        .isEqualTo(Duration.ofSeconds(40));
    // A change from before the wait began counts for nothing.
    assertThat(WAITING.backedOff(falseSince(NOW.minusSeconds(200)), NOW.minusSeconds(300), NOW).retryAfter())
        .isEqualTo(Duration.ofSeconds(200));
  }

  private static SecureMailDomain falseSince(Instant since) {
    SecureMailDomain domain = new SecureMailDomain();
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(List.of(new ConditionBuilder().withType("MtaStsPolicyServed").withStatus("False")
        .withReason("PolicyNotServed").withMessage("not yet").withLastTransitionTime(since.toString()).build()));
    domain.setStatus(status);
    return domain;
  }
}
