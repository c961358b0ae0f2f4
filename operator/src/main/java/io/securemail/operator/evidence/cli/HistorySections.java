package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceExport.HostRollovers;
import io.securemail.operator.evidence.cli.EvidenceExport.MtaStsChange;
import io.securemail.operator.evidence.cli.EvidenceExport.MxChange;
import io.securemail.operator.evidence.cli.EvidenceExport.PhaseChange;
import io.securemail.operator.evidence.cli.EvidenceExport.Policy;
import io.securemail.operator.evidence.cli.EvidenceExport.Report;
import io.securemail.operator.evidence.cli.EvidenceExport.TypeTotal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The recorded history after the areas: rollovers per MX host, MTA-STS and MX changes, TLS reports. */
final class HistorySections {

  private static final String NONE = "None in the period.";

  private HistorySections() {}

  static void write(EvidenceExport export, Page page) {
    rollovers(export.rollovers(), page);
    mtaSts(export.mtaSts(), page);
    mx(export.mx(), page);
    reports(export, page);
  }

  private static void rollovers(List<HostRollovers> hosts, Page page) {
    page.heading(EvidencePage.SECTIONS.get("rollovers"));
    page.paragraph("Each phase change of the DANE key rollover of an MX host (docs/dane.md), with the SHA-256 of "
        + "the SubjectPublicKeyInfo of the key the host served and of the next key.");
    if (hosts.isEmpty()) {
      page.paragraph(NONE);
    }
    for (HostRollovers host : hosts) {
      page.subheading(host.host());
      List<List<String>> rows = new ArrayList<>();
      for (PhaseChange change : host.changes()) {
        rows.add(List.of(change.time(), EvidencePage.orDash(change.from()) + " → " + EvidencePage.orDash(change.to()),
            EvidencePage.orDash(change.servedKey()), EvidencePage.orDash(change.nextKey())));
      }
      page.table(List.of("time", "phase", "served key (SPKI SHA-256)", "next key (SPKI SHA-256)"), rows);
    }
  }

  private static void mtaSts(List<MtaStsChange> changes, Page page) {
    page.heading(EvidencePage.SECTIONS.get("mtaSts"));
    if (changes.isEmpty()) {
      page.paragraph(NONE);
      return;
    }
    page.table(List.of("time", "policy id", "mode", "MX hosts", "change"), changes.stream()
        .map(c -> List.of(c.time(), EvidencePage.orDash(c.policyId()), EvidencePage.orDash(c.mode()),
            list(c.mx()), EvidencePage.orDash(c.change()))).toList());
  }

  private static void mx(List<MxChange> changes, Page page) {
    page.heading(EvidencePage.SECTIONS.get("mx"));
    if (changes.isEmpty()) {
      page.paragraph(NONE);
      return;
    }
    page.table(List.of("time", "MX hosts", "added", "removed"), changes.stream()
        .map(c -> List.of(c.time(), list(c.hosts()), list(c.added()), list(c.removed()))).toList());
  }

  private static void reports(EvidenceExport export, Page page) {
    page.heading(EvidencePage.SECTIONS.get("reports"));
    if (export.reports().isEmpty()) {
      page.paragraph(NONE);
      return;
    }
    page.paragraph("What sending servers reported (RFC 8460), added up per policy type. "
        + export.reportTotals().failedUnlabelled() + " of " + export.reportTotals().failed()
        + " failed sessions were reported for a window in which the operator changed nothing (no label): those are "
        + "the ones to look into.");
    page.table(List.of("policy type", "reports", "successful sessions", "failed sessions", "failure types"),
        export.reportTotals().byPolicyType().stream().map(HistorySections::total).toList());
    List<List<String>> rows = new ArrayList<>();
    for (Report report : export.reports()) {
      String window = EvidencePage.orDash(report.start()) + " – " + EvidencePage.orDash(report.end());
      List<Policy> policies = report.policies().isEmpty() ? List.of(new Policy(null, 0, 0, Map.of(), List.of()))
          : report.policies();
      for (Policy policy : policies) {
        rows.add(List.of(report.receivedAt(), EvidencePage.orDash(report.organization()),
            EvidencePage.orDash(report.reportId()), window, EvidencePage.orDash(report.channel()),
            EvidencePage.orDash(policy.type()), Long.toString(policy.successful()), Long.toString(policy.failed()),
            failureTypes(policy.failureTypes()), list(policy.labels())));
      }
    }
    page.table(List.of("received", "organisation", "report id", "window", "channel", "policy", "successful",
        "failed", "failure types", "labels"), rows);
  }

  private static List<String> total(TypeTotal total) {
    return List.of(total.type(), Long.toString(total.reports()), Long.toString(total.successful()),
        Long.toString(total.failed()), failureTypes(total.failureTypes()));
  }

  private static String failureTypes(Map<String, Long> types) {
    return types.isEmpty() ? "—" : types.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String list(List<String> items) {
    return items.isEmpty() ? "—" : String.join(", ", items);
  }
}
