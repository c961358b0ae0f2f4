package io.securemail.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

  @Test
  void runsAtMostItsBoundAtOnceOnNamedDaemonThreads() throws Exception {
    ExecutorService pool = DaemonThreads.pool("check", 3);
    try {
      Set<Thread> seen = ConcurrentHashMap.newKeySet();
      CountDownLatch release = new CountDownLatch(1);
      List<Future<Object>> futures = IntStream.range(0, 6).mapToObj(i -> pool.submit(() -> {
        seen.add(Thread.currentThread());
        release.await();
        return null;
      })).toList();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (seen.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(100); // a fourth thread, were there one, would have started by now
      assertThat(seen).hasSize(3).allSatisfy(t -> {
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).matches("check-[123]");
      });
      release.countDown();
      for (Future<Object> future : futures) {
        future.get(5, TimeUnit.SECONDS); // the three that waited ran once a thread was free
      }
      assertThat(seen).hasSize(3);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Between bursts of checks the pool holds no thread (and no thread's stack). */
  @Test
  void threadsWithoutWorkEnd() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) DaemonThreads.pool("probe", 4, Duration.ofMillis(100));
    try {
      CountDownLatch done = new CountDownLatch(4);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 4; i++) {
        pool.execute(() -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          done.countDown();
        });
      }
      assertThat(pool.getPoolSize()).isEqualTo(4);
      release.countDown();
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (pool.getPoolSize() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(pool.getPoolSize()).isZero();
      // and the next burst starts threads again
      CountDownLatch again = new CountDownLatch(1);
      pool.execute(again::countDown);
      assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
