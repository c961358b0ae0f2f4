package io.securemail.operator.evidence.cli;

import io.securemail.operator.evidence.cli.EvidenceDocument.Compliance;
import io.securemail.operator.evidence.cli.EvidenceDocument.Rollover;
import io.securemail.operator.evidence.cli.EvidenceExport.Area;
import io.securemail.operator.evidence.cli.EvidenceExport.HostRollovers;
import io.securemail.operator.evidence.cli.EvidenceExport.MtaStsChange;
import io.securemail.operator.evidence.cli.EvidenceExport.MxChange;
import io.securemail.operator.evidence.cli.EvidenceExport.PhaseChange;
import io.securemail.operator.evidence.cli.EvidenceExport.Policy;
import io.securemail.operator.evidence.cli.EvidenceExport.Report;
import io.securemail.operator.evidence.cli.EvidenceExport.Tally;
import io.securemail.operator.evidence.cli.EvidenceExport.Verdicts;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The operator's document mapped onto the requirement areas: the {@link EvidenceExport} every format shows. */
final class EvidenceMapping {

  private EvidenceMapping() {}

  static EvidenceExport map(EvidenceDocument document, Instant exportedAt, EvidenceExport.Tool tool) {
    List<Compliance> compliance = document.compliance();
    List<Long> seconds = CoveredTime.seconds(compliance, document.since(), document.until());
    List<Area> areas = new ArrayList<>();
    for (RequirementArea area : RequirementArea.values()) {
      areas.add(AreaHistory.of(area.checks()::contains, compliance, seconds)
          .area(area.id(), area.title(), area.requirement(), area.checks(), area.otherEvidence()));
    }
    AreaHistory unmapped = AreaHistory.of(id -> RequirementArea.ofCheck(id).isEmpty(), compliance, seconds);
    if (!unmapped.isEmpty()) {
      List<String> ids = compliance.stream().flatMap(c -> c.checks().stream()).map(EvidenceDocument.Verdict::id)
          .filter(id -> RequirementArea.ofCheck(id).isEmpty()).distinct().toList();
      areas.add(unmapped.area(RequirementArea.UNMAPPED_ID, RequirementArea.UNMAPPED_TITLE,
          "checks this version of the command maps to no area", ids, List.of()));
    }
    return new EvidenceExport(EvidenceExport.SCHEMA_VERSION, document.domain(), document.namespace(), document.name(),
        text(document.since()), text(document.until()), text(exportedAt.truncatedTo(ChronoUnit.SECONDS)), tool,
        new EvidenceExport.Source(document.schemaVersion(), text(document.generatedAt()), document.operatorVersion()),
        verdicts(compliance, seconds), List.copyOf(areas), rollovers(document.rollovers()),
        document.mtaSts().stream().map(m -> new MtaStsChange(text(m.time()), m.policyId(), m.mode(), m.mx(),
            m.change())).toList(),
        document.mx().stream().map(m -> new MxChange(text(m.time()), m.hosts(), m.added(), m.removed())).toList(),
        document.reports().stream().map(EvidenceMapping::report).toList(), ReportSums.of(document.reports()));
  }

  private static EvidenceExport.Compliance verdicts(List<Compliance> compliance, List<Long> seconds) {
    long runs = 0;
    long passedRuns = 0;
    long covered = 0;
    long passedSeconds = 0;
    List<Verdicts> entries = new ArrayList<>();
    for (int i = 0; i < compliance.size(); i++) {
      Compliance entry = compliance.get(i);
      runs += entry.runs();
      covered += seconds.get(i);
      if (entry.compliant()) {
        passedRuns += entry.runs();
        passedSeconds += seconds.get(i);
      }
      entries.add(new Verdicts(text(entry.time()), text(entry.lastTime()), entry.runs(), entry.profile(),
          entry.compliant()));
    }
    return new EvidenceExport.Compliance(new Tally(runs, passedRuns, covered, passedSeconds), List.copyOf(entries));
  }

  private static List<HostRollovers> rollovers(List<Rollover> rollovers) {
    Map<String, List<PhaseChange>> byHost = new LinkedHashMap<>();
    for (Rollover r : rollovers) {
      byHost.computeIfAbsent(r.host(), h -> new ArrayList<>())
          .add(new PhaseChange(text(r.time()), r.from(), r.to(), r.servedKey(), r.nextKey()));
    }
    return byHost.entrySet().stream().map(e -> new HostRollovers(e.getKey(), List.copyOf(e.getValue()))).toList();
  }

  private static Report report(EvidenceDocument.Report r) {
    return new Report(text(r.receivedAt()), r.reportId(), r.organization(), r.channel(), text(r.start()),
        text(r.end()), r.policies().stream().map(p -> new Policy(p.type(), p.successful(), p.failed(),
            p.failureTypes(), p.labels())).toList());
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }
}
