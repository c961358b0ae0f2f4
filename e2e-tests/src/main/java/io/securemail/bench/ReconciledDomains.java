package io.securemail.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * The domains the running operator has reconciled at least once, from its metrics: every reconcile
 * that gets past validation sets the domain's {@code securemail_condition_status} gauges, and a new
 * process starts without any. (The SDK's per-resource reconcile timer would say the same, but the
 * operator does not export per-resource SDK series by default, and the benchmark measures the
 * default.)
 */
final class ReconciledDomains {

  private ReconciledDomains() {}

  /** {@code namespace/name} of every domain reconciled since the process started. */
  static Set<String> names(PrometheusText metrics) {
    Set<String> names = new HashSet<>();
    for (PrometheusText.Series s : metrics.series()) {
      if (s.name().equals("securemail_condition_status") && "Ready".equals(s.labels().get("condition"))) {
        names.add(s.labels().get("namespace") + "/" + s.labels().get("name"));
      }
    }
    return names;
  }
}
