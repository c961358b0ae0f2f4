package io.securemail.e2e;

import java.time.Duration;

/** An assertion that must hold at every look during a whole period, not only once. */
final class Holds {

  private Holds() {}

  @FunctionalInterface
  interface Assertion {
    void run() throws Exception;
  }

  /** Asserts every 250 ms until {@code period} is over; the first failure fails the test. */
  static void during(Duration period, Assertion assertion) throws Exception {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      assertion.run();
      Thread.sleep(250);
    }
  }
}
