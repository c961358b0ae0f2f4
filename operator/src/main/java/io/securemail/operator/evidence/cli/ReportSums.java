package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceDocument.Policy;
import io.securemail.operator.evidence.cli.EvidenceDocument.Report;
import io.securemail.operator.evidence.cli.EvidenceExport.ReportTotals;
import io.securemail.operator.evidence.cli.EvidenceExport.TypeTotal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The TLS reports of the period added up, per policy type and in all. */
final class ReportSums {

  private ReportSums() {}

  static ReportTotals of(List<Report> reports) {
    Map<String, long[]> sessions = new TreeMap<>();
    Map<String, Map<String, Long>> failureTypes = new TreeMap<>();
    long successful = 0;
    long failed = 0;
    long unlabelled = 0;
    for (Report report : reports) {
      List<String> typesSeen = new ArrayList<>();
      for (Policy policy : report.policies()) {
        String type = policy.type() == null ? "unknown" : policy.type();
        long[] sums = sessions.computeIfAbsent(type, t -> new long[3]);
        if (!typesSeen.contains(type)) {
          typesSeen.add(type);
          sums[0]++;
        }
        sums[1] += policy.successful();
        sums[2] += policy.failed();
        Map<String, Long> types = failureTypes.computeIfAbsent(type, t -> new TreeMap<>());
        policy.failureTypes().forEach((name, count) -> types.merge(name, count, Long::sum));
        successful += policy.successful();
        failed += policy.failed();
        if (policy.failed() > 0 && policy.labels().isEmpty()) {
          unlabelled += policy.failed();
        }
      }
    }
    List<TypeTotal> byType = new ArrayList<>();
    sessions.forEach((type, sums) -> byType.add(new TypeTotal(type, sums[0], sums[1], sums[2],
        new LinkedHashMap<>(failureTypes.get(type)))));
    return new ReportTotals(reports.size(), successful, failed, unlabelled, List.copyOf(byType));
  }
}
