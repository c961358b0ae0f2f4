package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.FakeWorld;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A check that takes long (a slow or silent MX) runs on the monitor's threads: the reconcile that
 * started it goes on after its patience with the previous verdict, and a later one collects the
 * verdict once it is in.
 */
class ComplianceMonitorThreadsTest {

  private final ExecutorService threads = Executors.newFixedThreadPool(1);
  private final CountDownLatch serverAnswers = new CountDownLatch(1);

  @AfterEach
  void stop() {
    serverAnswers.countDown();
    threads.shutdownNow();
  }

  private ComplianceMonitor monitor() {
    FakeWorld world = FakeWorld.compliantDomain("example.com", "mx1.example.com");
    // The world answers only once the latch is released: a check that hangs until then.
    ComplianceEngine engine = new ComplianceEngine(options -> {
      try {
        serverAnswers.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return world.create(options);
    }, Clock.systemUTC());
    return new ComplianceMonitor(engine, ComplianceOptions.defaults(), 1, threads, Duration.ofMillis(200),
        new SimpleMeterRegistry(), Clock.systemUTC());
  }

  @Test
  void aReconcileDoesNotWaitForASlowCheckAndALaterOneCollectsItsVerdict() throws Exception {
    ComplianceMonitor monitor = monitor();

    long started = System.nanoTime();
    ComplianceOutcome first = monitor.reconcile(ComplianceMetricsTest.domain());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(first.conditionStatus()).as("no verdict yet: Compliant stays as it was").isNull();
    assertThat(first.nextCheckIn()).isEqualTo(ComplianceMonitor.RUNNING_RETRY);

    // Still running: a second reconcile neither waits long nor starts another check.
    assertThat(monitor.reconcile(ComplianceMetricsTest.domain()).conditionStatus()).isNull();

    serverAnswers.countDown();
    ComplianceOutcome collected = monitor.reconcile(ComplianceMetricsTest.domain());
    for (int look = 0; look < 50 && collected.conditionStatus() == null; look++) {
      collected = monitor.reconcile(ComplianceMetricsTest.domain());
    }
    assertThat(collected.conditionStatus()).isEqualTo("True");
    assertThat(collected.reason()).isEqualTo("Compliant");
  }

  @Test
  void aCheckThatOutlastsItsReconcileWakesTheDomainWhenItEnds() throws Exception {
    ComplianceMonitor monitor = monitor();
    BlockingQueue<ResourceID> woken = new LinkedBlockingQueue<>();
    monitor.whenVerdictReady(woken::add);

    ComplianceOutcome first = monitor.reconcile(ComplianceMetricsTest.domain());
    assertThat(first.conditionStatus()).isNull();
    assertThat(first.nextCheckIn()).as("a fallback only: the check's end wakes the domain")
        .isEqualTo(ComplianceMonitor.WOKEN_RETRY);
    assertThat(woken).isEmpty();

    serverAnswers.countDown();
    assertThat(woken.poll(10, TimeUnit.SECONDS)).isEqualTo(new ResourceID("example-com", "mail"));
    ComplianceOutcome collected = monitor.reconcile(ComplianceMetricsTest.domain());
    assertThat(collected.conditionStatus()).as("the woken reconcile collects the verdict").isEqualTo("True");
  }

  @Test
  void aDomainFindingEverySlotBusyQueuesItsCheckAndIsWokenInsteadOfAskingAgain() throws Exception {
    ComplianceMonitor monitor = monitor();
    BlockingQueue<ResourceID> woken = new LinkedBlockingQueue<>();
    monitor.whenVerdictReady(woken::add);
    SecureMailDomain other = ComplianceMetricsTest.domain();
    other.getMetadata().setName("example-org");
    other.getMetadata().setUid("uid-2");

    monitor.reconcile(ComplianceMetricsTest.domain());
    long started = System.nanoTime();
    ComplianceOutcome queued = monitor.reconcile(other);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait for a check that has not started")
        .isLessThan(Duration.ofMillis(150));
    assertThat(queued.conditionStatus()).isNull();
    assertThat(queued.nextCheckIn()).isEqualTo(ComplianceMonitor.WOKEN_RETRY);

    serverAnswers.countDown();
    Set<ResourceID> both = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      both.add(woken.poll(10, TimeUnit.SECONDS));
    }
    assertThat(both).containsExactlyInAnyOrder(new ResourceID("example-com", "mail"),
        new ResourceID("example-org", "mail"));
    assertThat(monitor.reconcile(other).conditionStatus()).isEqualTo("True");
  }
}
