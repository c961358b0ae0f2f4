package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.ComplianceOptions;
import io.securemail.operator.compliance.FakeWorld;
import java.time.Clock;
import java.time.Duration;
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
}
