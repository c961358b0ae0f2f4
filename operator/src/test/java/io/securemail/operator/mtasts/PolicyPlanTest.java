package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.MtaStsSpec.Mode;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyPlanTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration POLL = Duration.ofSeconds(10);

  private static SecureMailDomainSpec spec(Mode mode, long maxAge, String... hosts) {
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    List<MxHost> mx = new ArrayList<>();
    for (String host : hosts) {
      mx.add(new MxHost(host, 10));
    }
    spec.setMx(mx);
    spec.getMtaSts().setMode(mode);
    spec.getMtaSts().setMaxAge(maxAge);
    return spec;
  }

  /** One reconcile: plan, the server serves (or not) what it was given, settle, the TXT record is seen. */
  private static PolicyStep step(SecureMailDomainSpec spec, MtaStsStatus previous, Instant now, boolean serverServes) {
    PolicyPlan plan = PolicyPlan.of(spec, previous, now);
    String body = plan.target() != null && serverServes ? plan.target().text() : null;
    return plan.settle(body, body == null ? "connection refused" : null, now).withTxtObserved(true, now);
  }

  @Test
  void aNewPolicyIsAnnouncedOnlyOnceServed() {
    var spec = spec(Mode.TESTING, 86400, "mx1.example.com");

    PolicyStep waiting = step(spec, null, T0, false);
    assertThat(waiting.txtRecord()).isNull();
    assertThat(waiting.status().getDesiredPolicyId()).isEqualTo(waiting.target().id());
    assertThat(waiting.retryAfter(POLL, T0)).isEqualTo(POLL);

    PolicyStep served = step(spec, waiting.status(), T0.plusSeconds(10), true);
    assertThat(served.txtRecord()).isEqualTo("v=STSv1; id=" + served.target().id());
    assertThat(served.status().getServed()).isTrue();
    assertThat(served.status().getNextStep()).isNull();
    assertThat(served.retryAfter(POLL, T0)).isNull();
  }

  @Test
  void aModeChangeKeepsTheOldIdUntilTheNewPolicyIsServed() {
    PolicyStep testing = step(spec(Mode.TESTING, 86400, "mx1.example.com"), null, T0, true);
    var enforce = spec(Mode.ENFORCE, 86400, "mx1.example.com");

    PolicyStep pending = step(enforce, testing.status(), T0.plusSeconds(60), false);
    assertThat(pending.txtRecord()).isEqualTo(testing.txtRecord());
    assertThat(pending.status().getMode()).isEqualTo("testing");

    PolicyStep done = step(enforce, pending.status(), T0.plusSeconds(70), true);
    assertThat(done.txtRecord()).isNotEqualTo(testing.txtRecord()).endsWith(done.target().id());
    assertThat(done.status().getMode()).isEqualTo("enforce");
  }

  @Test
  void aNewMxHostGetsItsMxRecordOnlyOnceThePublishedPolicyListsIt() {
    PolicyStep one = step(spec(Mode.ENFORCE, 86400, "mx1.example.com"), null, T0, true);
    var two = spec(Mode.ENFORCE, 86400, "mx1.example.com", "mx2.example.com");

    PolicyStep pending = step(two, one.status(), T0.plusSeconds(60), false);
    assertThat(pending.allowsMx("mx1.example.com")).isTrue();
    assertThat(pending.allowsMx("mx2.example.com")).isFalse();

    PolicyStep served = step(two, pending.status(), T0.plusSeconds(70), true);
    assertThat(served.allowsMx("mx2.example.com")).isTrue();
  }

  @Test
  void withoutAPublishedPolicyNoMxRecordIsHeldBack() {
    PolicyStep first = step(spec(Mode.ENFORCE, 86400, "mx1.example.com"), null, T0, false);

    assertThat(first.allowsMx("mx1.example.com")).isTrue();
  }

  @Test
  void aRemovedMxHostStaysInThePolicyForMaxAge() {
    PolicyStep two = step(spec(Mode.ENFORCE, 600, "mx1.example.com", "mx2.example.com"), null, T0, true);
    var one = spec(Mode.ENFORCE, 600, "mx1.example.com");

    PolicyStep kept = step(one, two.status(), T0.plusSeconds(100), true);
    assertThat(kept.target().mx()).containsExactly("mx1.example.com", "mx2.example.com");
    assertThat(kept.txtRecord()).isEqualTo(two.txtRecord());
    assertThat(kept.status().getRetiringMx()).singleElement()
        .satisfies(r -> assertThat(r.getUntil()).isEqualTo(T0.plusSeconds(700).toString()));
    assertThat(kept.status().getNextStepAt()).isEqualTo(T0.plusSeconds(700).toString());
    assertThat(kept.retryAfter(POLL, T0.plusSeconds(100))).isEqualTo(Duration.ofSeconds(601));

    PolicyStep stillKept = step(one, kept.status(), T0.plusSeconds(699), true);
    assertThat(stillKept.target().mx()).contains("mx2.example.com");

    PolicyStep removed = step(one, stillKept.status(), T0.plusSeconds(700), true);
    assertThat(removed.target().mx()).containsExactly("mx1.example.com");
    assertThat(removed.txtRecord()).isNotEqualTo(two.txtRecord());
    assertThat(removed.status().getRetiringMx()).isEmpty();
  }

  @Test
  void aHostWhoseTimeIsUpDoesNotStartRetiringAgainWhileTheServerLags() {
    PolicyStep two = step(spec(Mode.ENFORCE, 600, "mx1.example.com", "mx2.example.com"), null, T0, true);
    var one = spec(Mode.ENFORCE, 600, "mx1.example.com");
    PolicyStep kept = step(one, two.status(), T0.plusSeconds(100), true);

    PolicyStep lagging = step(one, kept.status(), T0.plusSeconds(700), false);
    PolicyStep stillLagging = step(one, lagging.status(), T0.plusSeconds(710), false);

    assertThat(stillLagging.target().mx()).containsExactly("mx1.example.com");
    assertThat(stillLagging.txtRecord()).isEqualTo(two.txtRecord());
    PolicyStep served = step(one, stillLagging.status(), T0.plusSeconds(720), true);
    assertThat(served.target().mx()).containsExactly("mx1.example.com");
    assertThat(served.status().getRetiringMx()).isEmpty();
    assertThat(served.nextStep()).isEmpty();
  }

  @Test
  void aHostThatComesBackStopsRetiring() {
    var both = spec(Mode.ENFORCE, 600, "mx1.example.com", "mx2.example.com");
    PolicyStep two = step(both, null, T0, true);
    PolicyStep kept = step(spec(Mode.ENFORCE, 600, "mx1.example.com"), two.status(), T0.plusSeconds(10), true);

    PolicyStep back = step(both, kept.status(), T0.plusSeconds(20), true);

    assertThat(back.status().getRetiringMx()).isEmpty();
    assertThat(back.txtRecord()).isEqualTo(two.txtRecord());
  }

  @Test
  void modeNoneServesANonePolicyForThePreviousMaxAgeThenWithdrawsEverything() {
    PolicyStep enforce = step(spec(Mode.ENFORCE, 3600, "mx1.example.com"), null, T0, true);
    var none = spec(Mode.NONE, 86400, "mx1.example.com");

    PolicyStep notYet = step(none, enforce.status(), T0.plusSeconds(10), false);
    assertThat(notYet.txtRecord()).isEqualTo(enforce.txtRecord());
    assertThat(notYet.withdrawAt()).isNull();

    Instant servedAt = T0.plusSeconds(20);
    PolicyPlan plan = PolicyPlan.of(none, notYet.status(), servedAt);
    PolicyStep servedNotSeen = plan.settle(plan.target().text(), null, servedAt).withTxtObserved(false, servedAt);
    assertThat(servedNotSeen.withdrawAt()).isNull();
    assertThat(servedNotSeen.target().maxAge()).isEqualTo(3600);

    Instant seenAt = servedAt.plusSeconds(30);
    PolicyStep announced = step(none, servedNotSeen.status(), seenAt, true);
    assertThat(announced.target().mode()).isEqualTo(Mode.NONE);
    assertThat(announced.txtRecord()).isNotEqualTo(enforce.txtRecord());
    // The enforce policy's max_age, counted from when the 'none' policy's TXT record is visible.
    assertThat(announced.withdrawAt()).isEqualTo(seenAt.plusSeconds(3600));
    servedAt = seenAt;
    assertThat(announced.allowsMx("mx9.example.com")).isTrue();

    PolicyStep stillServed = step(none, announced.status(), servedAt.plusSeconds(3599), true);
    assertThat(stillServed.txtRecord()).isEqualTo(announced.txtRecord());
    assertThat(stillServed.withdrawAt()).isEqualTo(servedAt.plusSeconds(3600));

    PolicyStep withdrawn = step(none, stillServed.status(), servedAt.plusSeconds(3600), true);
    assertThat(withdrawn.target()).isNull();
    assertThat(withdrawn.txtRecord()).isNull();
    assertThat(withdrawn.status()).isNull();

    PolicyStep after = step(none, withdrawn.status(), servedAt.plusSeconds(7200), true);
    assertThat(after.target()).isNull();
    assertThat(after.txtRecord()).isNull();
  }

  @Test
  void modeNoneOnADomainThatNeverPublishedServesNothing() {
    PolicyStep step = step(spec(Mode.NONE, 86400, "mx1.example.com"), null, T0, true);

    assertThat(step.target()).isNull();
    assertThat(step.txtRecord()).isNull();
    assertThat(step.nextStep()).isEmpty();
  }

  @Test
  void mxPatternsReplaceTheHostList() {
    var spec = spec(Mode.ENFORCE, 86400, "mx1.example.com", "mx2.example.com");
    spec.getMtaSts().setMxPatterns(List.of("*.example.com"));

    PolicyStep step = step(spec, null, T0, true);

    assertThat(step.target().mx()).containsExactly("*.example.com");
    assertThat(step.allowsMx("mx2.example.com")).isTrue();
    assertThat(step.allowsMx("a.mx2.example.com")).isFalse();
  }
}
