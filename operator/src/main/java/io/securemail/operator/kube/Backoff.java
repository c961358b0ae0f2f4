package io.securemail.operator.kube;

import java.time.Duration;
import java.time.Instant;

/**
 * When to look again: soon while records propagate, and after a failure with a delay that doubles
 * with the time the failure has lasted (10 s, 20 s, 40 s ... at most 5 minutes), so an outage of
 * the DNS server is neither hammered nor noticed late.
 */
public final class Backoff {

  public static final Duration PROPAGATION_POLL = Duration.ofSeconds(5);
  /** How long records someone else publishes are looked for at the propagation pace. */
  public static final Duration PROPAGATION_PATIENCE = Duration.ofMinutes(1);
  public static final Duration FIRST_FAILURE_RETRY = Duration.ofSeconds(10);
  public static final Duration MAX = Duration.ofMinutes(5);

  private Backoff() {}

  /**
   * @param failingSince when the failure began (the condition's lastTransitionTime), or null if new
   */
  public static Duration next(Duration base, Instant failingSince, Instant now) {
    if (failingSince == null || base.equals(PROPAGATION_POLL)) {
      return base;
    }
    Duration failing = Duration.between(failingSince, now);
    Duration delay = failing.compareTo(base) < 0 ? base : failing;
    return delay.compareTo(MAX) > 0 ? MAX : delay;
  }

  /**
   * When to look again for records a program publishes on its own interval (external-dns, from the
   * DNSEndpoint): at the propagation pace for a minute, then as a failure is retried ({@link #next}:
   * 10 s, doubling with the wait, at most 5 minutes). Records nobody has published yet are no news
   * every 5 s, and a thousand domains waiting must not each look that often for ever. Records a
   * person publishes are looked for as a failure is retried from the start.
   *
   * @param waitingSince since when the records have not all been visible (null: just now)
   */
  public static Duration awaitingPublication(Instant waitingSince, Instant now) {
    return waitingSince != null && Duration.between(waitingSince, now).compareTo(PROPAGATION_PATIENCE) >= 0
        ? FIRST_FAILURE_RETRY : PROPAGATION_POLL;
  }
}
