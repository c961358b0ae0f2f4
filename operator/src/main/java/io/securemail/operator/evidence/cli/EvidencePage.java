package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceExport.Area;
import io.securemail.operator.evidence.cli.EvidenceExport.AreaEntry;
import io.securemail.operator.evidence.cli.EvidenceExport.Check;
import io.securemail.operator.evidence.cli.EvidenceExport.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The export as a document for people (Markdown or HTML, whichever {@link Page}): who and when, a
 * summary, the requirement areas with their checks' history, then the recorded history itself
 * ({@link HistorySections}).
 */
final class EvidencePage {

  /** The headings of the document's other lists, as the areas refer to them. */
  static final Map<String, String> SECTIONS = Map.of("rollovers", "DANE key rollovers",
      "mtaSts", "MTA-STS policy changes", "mx", "MX changes", "reports", "TLS reports");

  private EvidencePage() {}

  static String title(EvidenceExport export) {
    return "Secure mail transport evidence (BSI TR-03108): " + export.domain();
  }

  static String render(EvidenceExport export, Page page) {
    page.title(title(export));
    page.paragraph(provenance(export));
    summary(export, page);
    areas(export, page);
    HistorySections.write(export, page);
    return page.text();
  }

  private static String provenance(EvidenceExport export) {
    String resource = export.namespace() == null || export.name() == null ? ""
        : "SecureMailDomain " + export.namespace() + "/" + export.name() + ", ";
    String from = export.since() == null ? "the start of the kept history" : export.since();
    String to = export.until() == null ? "the time it was served" : export.until();
    String operator = export.source().operatorVersion() == null ? "the operator"
        : "securemail-operator " + export.source().operatorVersion();
    String served = export.source().generatedAt() == null ? "" : ", served at " + export.source().generatedAt();
    return resource + "from " + from + " to " + to + ". History kept by " + operator + served
        + "; exported at " + export.exportedAt() + " by " + export.tool().name() + " " + export.tool().version() + ".";
  }

  private static void summary(EvidenceExport export, Page page) {
    page.heading("Summary");
    Tally tally = export.compliance().tally();
    List<String> profiles = export.compliance().entries().stream().map(EvidenceExport.Verdicts::profile)
        .filter(p -> p != null).distinct().toList();
    List<String> items = new ArrayList<>();
    items.add(tally.runs() == 0 ? "Compliance: no run in the period."
        : "Compliance: " + tally.runs() + " runs" + (profiles.isEmpty() ? "" : " (profile "
            + String.join(", ", profiles) + ")") + "; compliant in " + Amounts.share(tally.passedRuns(), tally.runs())
            + " runs, " + Amounts.timeShare(tally.passedSeconds(), tally.seconds()) + " covered.");
    long changes = export.rollovers().stream().mapToLong(h -> h.changes().size()).sum();
    items.add("DANE rollover phase changes: " + changes + " on " + export.rollovers().size() + " MX host(s).");
    items.add("MTA-STS policy changes: " + export.mtaSts().size() + "; MX changes: " + export.mx().size() + ".");
    EvidenceExport.ReportTotals reports = export.reportTotals();
    items.add("TLS reports: " + reports.reports() + ", with " + reports.successful() + " successful and "
        + reports.failed() + " failed sessions; " + reports.failedUnlabelled()
        + " failed sessions reported outside every change the operator made.");
    page.bullets(items);
  }

  private static void areas(EvidenceExport export, Page page) {
    page.heading("Requirement areas");
    page.paragraph("A requirement area passed in a run when none of its checks failed (warn and skip do not "
        + "fail). Time counts from the run that saw a result until the run that saw it change.");
    List<List<String>> rows = new ArrayList<>();
    for (Area area : export.areas()) {
      boolean checked = !area.checks().isEmpty();
      rows.add(List.of(area.title(), checked ? String.join(", ", area.checks()) : "none",
          checked ? Amounts.share(area.tally().passedRuns(), area.tally().runs()) : "—",
          checked ? Amounts.timeShare(area.tally().passedSeconds(), area.tally().seconds()) : "—",
          orDash(area.firstFailure()), orDash(area.lastFailure()), sections(area.otherEvidence())));
    }
    page.table(List.of("requirement area", "checks", "runs passed", "time passed", "first failure", "last failure",
        "other evidence"), rows);
    for (Area area : export.areas()) {
      area(area, export.reportTotals(), page);
    }
  }

  private static void area(Area area, EvidenceExport.ReportTotals reports, Page page) {
    page.subheading(area.title());
    page.paragraph("Requirement: " + area.requirement() + ".");
    if (area.checks().isEmpty()) {
      page.paragraph("No compliance check judges this area from the outside; its evidence is in "
          + sections(area.otherEvidence()) + " below.");
      if (area.otherEvidence().contains("reports")) {
        page.paragraph("In the period, senders sent " + reports.reports() + " TLS reports with " + reports.failed()
            + " failed sessions; " + reports.failedUnlabelled() + " of them were reported for a window in which the "
            + "operator changed nothing.");
      }
      return;
    }
    if (area.entries().isEmpty()) {
      page.paragraph("No run of its checks (" + String.join(", ", area.checks()) + ") in the period.");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (AreaEntry entry : area.entries()) {
      rows.add(List.of(entry.time(), entry.lastTime(), Long.toString(entry.runs()), orDash(entry.profile()),
          entry.status(), results(entry.checks())));
    }
    page.table(List.of("first run", "last run", "runs", "profile", "status", "results"), rows);
  }

  /** {@code 1 fail, 4 pass, 1 skip}, then each result that did not pass with its subject and message. */
  private static String results(List<Check> checks) {
    Map<String, Long> counts = checks.stream().collect(Collectors.groupingBy(Check::status, Collectors.counting()));
    StringBuilder text = new StringBuilder(AreaHistory.WORST_FIRST.stream().filter(counts::containsKey)
        .map(status -> counts.get(status) + " " + status).collect(Collectors.joining(", ")));
    for (Check check : checks) {
      if (!check.status().equals("pass") && !check.status().equals("skip")) {
        text.append("; ").append(check.status()).append(' ').append(check.id());
        if (check.subject() != null) {
          text.append(' ').append(check.subject());
        }
        if (check.message() != null) {
          text.append(": ").append(check.message());
        }
      }
    }
    return text.toString();
  }

  static String sections(List<String> names) {
    return names.isEmpty() ? "—" : names.stream().map(n -> SECTIONS.getOrDefault(n, n))
        .collect(Collectors.joining(", "));
  }

  static String orDash(String text) {
    return text == null || text.isEmpty() ? "—" : text;
  }
}
