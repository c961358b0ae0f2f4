package io.securemail.operator.observe;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of named daemon threads for the operator's outside conversations (MX probes,
 * compliance checks): bounded, so a hostile peer holds one of them at most, and daemon, so a
 * conversation still running never keeps the process from stopping. Threads start when first
 * needed and end after a minute without work: checks come in bursts (an interval every few
 * minutes), and a thread waiting between them holds its stack and native memory for nothing.
 */
public final class DaemonThreads {

  /** How long a thread without work waits for more before it ends. */
  static final Duration IDLE = Duration.ofMinutes(1);

  private DaemonThreads() {}

  /** @param prefix the threads' names, numbered from 1: {@code prefix-1}, {@code prefix-2}, ... */
  public static ExecutorService pool(String prefix, int threads) {
    return pool(prefix, threads, IDLE);
  }

  static ExecutorService pool(String prefix, int threads, Duration idle) {
    AtomicInteger count = new AtomicInteger();
    int size = Math.max(1, threads);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, idle.toMillis(), TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread thread = new Thread(r, prefix + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
