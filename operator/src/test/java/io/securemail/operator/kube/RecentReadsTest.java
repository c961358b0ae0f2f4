package io.securemail.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentReadsTest {

  final AtomicLong now = new AtomicLong();
  final RecentReads reads = new RecentReads(Duration.ofSeconds(2), now::get);
  final AtomicInteger asked = new AtomicInteger();

  String read(String key, String value) {
    return reads.get(key, () -> {
      asked.incrementAndGet();
      return value;
    });
  }

  @Test
  void aThousandReconcilesWithinTheSecondAskTheApiServerOnce() {
    for (int i = 0; i < 1000; i++) {
      assertThat(read("ClusterIssuer/lab", "ready")).isEqualTo("ready");
    }
    assertThat(asked).hasValue(1);
  }

  @Test
  void aChangeIsSeenOnceTheAnswerIsTwoSecondsOld() {
    read("Secret/bench/tsig", "old key");
    now.addAndGet(Duration.ofMillis(1999).toNanos());
    assertThat(read("Secret/bench/tsig", "new key")).isEqualTo("old key");
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(read("Secret/bench/tsig", "new key")).isEqualTo("new key");
    assertThat(asked).hasValue(2);
  }

  @Test
  void aMissingObjectIsAnAnswerAndForgettingAsksAgain() {
    assertThat(read("Issuer/ns/missing", null)).isNull();
    assertThat(read("Issuer/ns/missing", "created")).isNull();
    reads.forget("Issuer/ns/missing");
    assertThat(read("Issuer/ns/missing", "created")).isEqualTo("created");
    assertThat(asked).hasValue(2);
  }

  @Test
  void differentObjectsAreAskedEachAndExpiredAnswersDoNotPileUp() {
    for (int i = 0; i < 3 * RecentReads.SWEEP_ABOVE; i++) {
      read("Secret/ns-" + i + "/tsig", "key " + i);
      now.addAndGet(Duration.ofMillis(10).toNanos());
    }
    assertThat(asked).hasValue(3 * RecentReads.SWEEP_ABOVE);
    assertThat(reads.size()).isLessThanOrEqualTo(RecentReads.SWEEP_ABOVE + 201);
  }
}
