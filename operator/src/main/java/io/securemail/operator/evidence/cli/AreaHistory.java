package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceDocument.Compliance;
import io.securemail.operator.evidence.cli.EvidenceDocument.Verdict;
import io.securemail.operator.evidence.cli.EvidenceExport.Area;
import io.securemail.operator.evidence.cli.EvidenceExport.AreaEntry;
import io.securemail.operator.evidence.cli.EvidenceExport.Check;
import io.securemail.operator.evidence.cli.EvidenceExport.Tally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One requirement area's part of the compliance history: the results of its checks in each entry,
 * consecutive entries in which they did not change merged into one, and how many runs and how much
 * time the area passed (none of its checks failed).
 */
final class AreaHistory {

  /** Worst first: the status an area has in a run is the worst of its checks'. */
  static final List<String> WORST_FIRST = List.of("fail", "warn", "pass", "skip");

  private final Predicate<String> checkIds;
  private final List<AreaEntry> entries = new ArrayList<>();
  private long runs;
  private long passedRuns;
  private long seconds;
  private long passedSeconds;
  private Instant firstFailure;
  private Instant lastFailure;

  private AreaHistory(Predicate<String> checkIds) {
    this.checkIds = checkIds;
  }

  /** The area's history in {@code compliance}, each entry's verdict having held {@code seconds}. */
  static AreaHistory of(Predicate<String> checkIds, List<Compliance> compliance, List<Long> seconds) {
    AreaHistory history = new AreaHistory(checkIds);
    for (int i = 0; i < compliance.size(); i++) {
      history.add(compliance.get(i), seconds.get(i));
    }
    return history;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  Area area(String id, String title, String requirement, List<String> checks, List<String> otherEvidence) {
    return new Area(id, title, requirement, checks, otherEvidence, new Tally(runs, passedRuns, seconds, passedSeconds),
        text(firstFailure), text(lastFailure), List.copyOf(entries));
  }

  private void add(Compliance entry, long heldSeconds) {
    List<Check> checks = entry.checks().stream().filter(v -> checkIds.test(v.id())).map(AreaHistory::check).toList();
    if (checks.isEmpty()) {
      return;
    }
    String status = worst(checks);
    boolean passed = !status.equals("fail");
    runs += entry.runs();
    seconds += heldSeconds;
    if (passed) {
      passedRuns += entry.runs();
      passedSeconds += heldSeconds;
    } else {
      firstFailure = firstFailure == null ? entry.time() : firstFailure;
      lastFailure = entry.lastTime();
    }
    AreaEntry next = new AreaEntry(entry.time().toString(), entry.lastTime().toString(), entry.runs(),
        entry.profile(), status, checks);
    AreaEntry previous = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    if (previous != null && sameResults(previous, next)) {
      entries.set(entries.size() - 1, new AreaEntry(previous.time(), next.lastTime(), previous.runs() + next.runs(),
          previous.profile(), previous.status(), previous.checks()));
    } else {
      entries.add(next);
    }
  }

  private static boolean sameResults(AreaEntry a, AreaEntry b) {
    if (!Objects.equals(a.profile(), b.profile()) || a.checks().size() != b.checks().size()) {
      return false;
    }
    for (int i = 0; i < a.checks().size(); i++) {
      Check x = a.checks().get(i);
      Check y = b.checks().get(i);
      if (!x.id().equals(y.id()) || !Objects.equals(x.subject(), y.subject()) || !x.status().equals(y.status())) {
        return false;
      }
    }
    return true;
  }

  private static String worst(List<Check> checks) {
    return WORST_FIRST.stream().filter(s -> checks.stream().anyMatch(c -> c.status().equals(s))).findFirst()
        .orElse("skip");
  }

  private static Check check(Verdict verdict) {
    return new Check(verdict.id(), verdict.subject(), verdict.status(), verdict.message());
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }
}
