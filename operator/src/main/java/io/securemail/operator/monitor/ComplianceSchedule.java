package io.securemail.operator.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * When a domain is checked next. Each domain gets a fixed offset of up to a tenth of its interval,
 * derived from its uid, so a thousand domains created together do not probe at the same instant
 * and a domain's checks stay evenly spaced across operator restarts.
 */
public final class ComplianceSchedule {

  private ComplianceSchedule() {}

  /**
   * @param lastChecked when the domain was last checked by this operator process (null: never)
   * @param checkedGeneration the metadata.generation that check saw
   * @return the instant the next check is due; at or before {@code now} means "check now"
   */
  public static Instant nextCheck(Instant lastChecked, long checkedGeneration, long generation, Duration interval,
      String uid, Instant now) {
    if (lastChecked == null || checkedGeneration != generation) {
      return now; // never checked here, or the spec changed: soon after any change
    }
    return lastChecked.plus(interval).plus(jitter(uid, interval));
  }

  static Duration jitter(String uid, Duration interval) {
    long window = Math.max(1, interval.toMillis() / 10);
    return Duration.ofMillis(Math.floorMod((long) uid.hashCode(), window));
  }
}
