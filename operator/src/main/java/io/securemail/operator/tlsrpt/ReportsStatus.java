package io.securemail.operator.tlsrpt;

import io.securemail.operator.api.TlsReportsStatus;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The short summary of a domain's reports its status shows (status.tlsReports). */
final class ReportsStatus {

  /** The result types listed per policy type: the status stays short, the metrics have them all. */
  static final int TOP_FAILURES = 3;

  /** The labels listed: the evidence document has every report's. */
  static final int MAX_LABELS = 3;

  private ReportsStatus() {}

  /** Null while no report about the domain was kept: the field stays absent. */
  static TlsReportsStatus of(DomainReports reports, Duration window, List<String> labels) {
    if (reports.lastReceived().isEmpty()) {
      return null;
    }
    TlsReportsStatus status = new TlsReportsStatus();
    status.setWindow(window.toHours() % 24 == 0 ? window.toDays() + "d" : window.toHours() + "h");
    status.setReports(reports.reports());
    status.setLastReceived(reports.lastReceived().get().truncatedTo(ChronoUnit.SECONDS).toString());
    status.setPolicies(reports.byPolicyType().entrySet().stream().map(e -> new TlsReportsStatus.PolicyType(
        e.getKey(), e.getValue().successful(), e.getValue().failed(), top(e.getValue().failures()))).toList());
    status.setFailureLabels(labels.size() <= MAX_LABELS ? labels : List.copyOf(labels.subList(0, MAX_LABELS)));
    return status;
  }

  private static List<String> top(Map<String, Long> failures) {
    return failures.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP_FAILURES).map(e -> e.getKey() + ": " + e.getValue()).toList();
  }
}
