package io.securemail.operator.observe;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a transient fault (a resolver that did not answer) is held back before it is reported:
 * until it has been seen on {@code attempts} consecutive attempts and has lasted at least
 * {@code intervals} of the domain's check interval ({@code spec.compliance.interval}). A resolver
 * that times out now and then is no news about the domain; one that has stopped answering is.
 *
 * @param attempts consecutive faulted attempts, at least 1 (1: report the first fault at once,
 *     when {@code intervals} is 0)
 * @param intervals check intervals the fault must span, at least 0
 */
public record FaultThreshold(int attempts, int intervals) {

  /** Three attempts in a row, over at least two check intervals. */
  public static final FaultThreshold DEFAULT = new FaultThreshold(3, 2);

  public FaultThreshold {
    if (attempts < 1) {
      throw new IllegalArgumentException("securemail.faults.attempts must be at least 1, not " + attempts);
    }
    if (intervals < 0) {
      throw new IllegalArgumentException("securemail.faults.intervals must be at least 0, not " + intervals);
    }
  }

  /**
   * Whether a fault seen {@code faults} times in a row, first at {@code firstFault}, is reported at
   * {@code now}.
   */
  public boolean reached(int faults, Instant firstFault, Instant now, Duration interval) {
    return faults >= attempts && !now.isBefore(firstFault.plus(interval.multipliedBy(intervals)));
  }
}
