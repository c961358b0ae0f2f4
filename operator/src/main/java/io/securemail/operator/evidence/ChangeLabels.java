package io.securemail.operator.evidence;

import io.securemail.operator.certs.RolloverPhase;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the operator's own changes a reported window overlaps, so a failure a sender reports
 * (RFC 8460 section 4.3) can be told from an attack: each DANE rollover phase other than Stable and
 * Initial of an MX host (from the phase change to the host's next one or its removal from the MX
 * list, or still going on), and each
 * MTA-STS policy change and MX change (the moment the operator observed it). Windows are closed
 * intervals: RFC 8460 section 4.4 gives start-datetime and end-datetime as the report's bounds.
 */
public final class ChangeLabels {

  private ChangeLabels() {}

  /** The labels for a window [start, end], in the order the changes happened, without repeats. */
  public static List<String> during(DomainHistory history, Instant start, Instant end) {
    Set<String> labels = new LinkedHashSet<>();
    List<RolloverEntry> rollovers = history.rollovers();
    for (int i = 0; i < rollovers.size(); i++) {
      RolloverEntry entry = rollovers.get(i);
      if (quiet(entry.to())) {
        continue;
      }
      Instant until = null;
      for (int j = i + 1; j < rollovers.size(); j++) {
        if (rollovers.get(j).host().equals(entry.host())) {
          until = rollovers.get(j).time();
          break;
        }
      }
      // A host taken out of the MX list has no next phase: its phase ends with it.
      for (MxEntry mx : history.mx()) {
        if (!mx.time().isBefore(entry.time()) && !mx.hosts().contains(entry.host())
            && (until == null || mx.time().isBefore(until))) {
          until = mx.time();
          break;
        }
      }
      if (!entry.time().isAfter(end) && (until == null || !until.isBefore(start))) {
        labels.add("reported during " + entry.to() + " of " + entry.host());
      }
    }
    for (MtaStsEntry entry : history.mtaSts()) {
      if (!entry.firstSeen() && within(entry.time(), start, end)) {
        labels.add("reported during the MTA-STS policy change to " + entry.policyId());
      }
    }
    for (MxEntry entry : history.mx()) {
      if (!entry.firstSeen() && within(entry.time(), start, end)) {
        labels.add("reported during the MX change (" + entry.summary() + ")");
      }
    }
    return List.copyOf(labels);
  }

  /** Phases in which nothing of the operator's making is in flight. */
  private static boolean quiet(String phase) {
    return RolloverPhase.Stable.name().equals(phase) || RolloverPhase.Initial.name().equals(phase)
        || "Disabled".equals(phase);
  }

  private static boolean within(Instant time, Instant start, Instant end) {
    return !time.isBefore(start) && !time.isAfter(end);
  }
}
