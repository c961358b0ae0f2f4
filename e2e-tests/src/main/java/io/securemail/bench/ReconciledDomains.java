package io.securemail.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * The domains the running operator has reconciled at least once, from its Java Operator SDK metrics
 * (the reconcile timer per resource, which starts from zero with each process).
 */
final class ReconciledDomains {

  private ReconciledDomains() {}

  static Set<String> names(PrometheusText metrics) {
    Set<String> names = new HashSet<>();
    for (PrometheusText.Series s : metrics.series()) {
      if (s.name().startsWith("operator_sdk_controllers_execution_reconcile") && s.name().endsWith("_count")
          && s.value() >= 1 && s.labels().containsKey("resource_name")) {
        names.add(s.labels().get("resource_name"));
      }
    }
    return names;
  }
}
