package io.securemail.operator.observe;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of named daemon threads for the operator's outside conversations (MX probes,
 * compliance checks): bounded, so a hostile peer holds one of them at most, and daemon, so a
 * conversation still running never keeps the process from stopping. Threads start when first needed.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** @param prefix the threads' names, numbered from 1: {@code prefix-1}, {@code prefix-2}, ... */
  public static ExecutorService pool(String prefix, int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread thread = new Thread(r, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }
}
