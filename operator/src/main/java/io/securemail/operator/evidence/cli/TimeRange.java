package io.securemail.operator.evidence.cli;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The period {@code --since}/{@code --until} ask for; either end may be open. For a saved document it
 * keeps what the operator would have served for the same parameters: entries whose time lies in
 * the period, compliance entries whose [time, lastTime] span overlaps it, and TLS reports by the
 * time they were received.
 */
record TimeRange(Instant since, Instant until) {

  static final TimeRange ALL = new TimeRange(null, null);

  TimeRange {
    if (since != null && until != null && since.isAfter(until)) {
      throw new IllegalArgumentException("--since " + since + " is after --until " + until);
    }
  }

  boolean open() {
    return since == null && until == null;
  }

  boolean contains(Instant time) {
    return (since == null || !time.isBefore(since)) && (until == null || !time.isAfter(until));
  }

  boolean overlaps(Instant from, Instant to) {
    return (since == null || !to.isBefore(since)) && (until == null || !from.isAfter(until));
  }

  /** What of the document lies in this period; the document's own period narrowed to it. */
  EvidenceDocument apply(EvidenceDocument document) {
    if (open()) {
      return document;
    }
    return document.with(later(document.since(), since), earlier(document.until(), until),
        keep(document.compliance(), c -> overlaps(c.time(), c.lastTime())),
        keep(document.rollovers(), r -> contains(r.time())), keep(document.mtaSts(), m -> contains(m.time())),
        keep(document.mx(), m -> contains(m.time())), keep(document.reports(), r -> contains(r.receivedAt())));
  }

  private static <T> List<T> keep(List<T> entries, Predicate<T> inside) {
    return entries.stream().filter(inside).toList();
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }
}
