package io.securemail.operator.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * How much history the journal keeps per domain: at most {@code maxEntries} entries of each kind,
 * none older than {@code maxAge} (an entry's age counts from its last time).
 */
public record JournalBounds(int maxEntries, Duration maxAge) {

  public static final int DEFAULT_MAX_ENTRIES = 50;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(400);

  public JournalBounds {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("securemail.evidence.max-entries must be at least 1, not " + maxEntries);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("securemail.evidence.max-age must be positive, not " + maxAge);
    }
  }

  /** The newest entries within the bounds, oldest first (entries come oldest first). */
  <T> List<T> keep(List<T> entries, Function<T, Instant> lastTime, Instant now) {
    Instant cutoff = now.minus(maxAge);
    List<T> young = entries.stream().filter(e -> !lastTime.apply(e).isBefore(cutoff)).toList();
    return young.size() <= maxEntries ? young : List.copyOf(young.subList(young.size() - maxEntries, young.size()));
  }
}
