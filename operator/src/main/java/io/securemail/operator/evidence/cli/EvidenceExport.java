package io.securemail.operator.evidence.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * What the command exports: the operator's history of one domain mapped onto the requirement areas of
 * BSI TR-03108, then the history itself. {@code --format json} writes it as it is
 * ({@code docs/evidence.schema.json}); the Markdown and HTML pages show the same content. Times are
 * ISO-8601 instants in UTC. Fields are only ever added within a {@link #SCHEMA_VERSION}.
 */
@JsonPropertyOrder({"schemaVersion", "domain", "namespace", "name", "since", "until", "exportedAt", "tool", "source",
    "compliance", "areas", "rollovers", "mtaSts", "mx", "reports", "reportTotals"})
record EvidenceExport(int schemaVersion, String domain, String namespace, String name, String since, String until,
    String exportedAt, Tool tool, Source source, Compliance compliance, List<Area> areas, List<HostRollovers> rollovers,
    List<MtaStsChange> mtaSts, List<MxChange> mx, List<Report> reports, ReportTotals reportTotals) {

  /** The version of this shape (not of the operator's document, which {@link Source} gives). */
  static final int SCHEMA_VERSION = 1;

  /** The program that made the export. */
  @JsonPropertyOrder({"name", "version"})
  record Tool(String name, String version) {}

  /** The operator's document it was made from: its version, when and by which operator it was served. */
  @JsonPropertyOrder({"schemaVersion", "generatedAt", "operatorVersion"})
  record Source(int schemaVersion, String generatedAt, String operatorVersion) {}

  /**
   * How often and how long something held: {@code runs} compliance runs, of which {@code passedRuns}
   * passed, over {@code seconds} of covered time, of which {@code passedSeconds} passed.
   */
  @JsonPropertyOrder({"runs", "passedRuns", "seconds", "passedSeconds"})
  record Tally(long runs, long passedRuns, long seconds, long passedSeconds) {}

  /** The domain's verdict over the period (passed: compliant, no check failed), and its changes. */
  @JsonPropertyOrder({"tally", "entries"})
  record Compliance(Tally tally, List<Verdicts> entries) {}

  /** Consecutive runs with one overall verdict per the operator's history. */
  @JsonPropertyOrder({"time", "lastTime", "runs", "profile", "compliant"})
  record Verdicts(String time, String lastTime, long runs, String profile, boolean compliant) {}

  /**
   * One requirement area: its checks' history. Passed: none of its checks failed ({@code warn} and
   * {@code skip} do not fail, as for compliance). {@code firstFailure} is the first run in which one
   * failed, {@code lastFailure} the last; both null when none did.
   */
  @JsonPropertyOrder({"id", "title", "requirement", "checks", "otherEvidence", "tally", "firstFailure", "lastFailure",
      "entries"})
  record Area(String id, String title, String requirement, List<String> checks, List<String> otherEvidence,
      Tally tally, String firstFailure, String lastFailure, List<AreaEntry> entries) {}

  /** Consecutive runs in which the area's checks gave the same results; {@code status} is the worst of them. */
  @JsonPropertyOrder({"time", "lastTime", "runs", "profile", "status", "checks"})
  record AreaEntry(String time, String lastTime, long runs, String profile, String status, List<Check> checks) {}

  /** One check result. */
  @JsonPropertyOrder({"id", "subject", "status", "message"})
  record Check(String id, String subject, String status, String message) {}

  /** The DANE rollover phase changes of one MX host, oldest first. */
  @JsonPropertyOrder({"host", "changes"})
  record HostRollovers(String host, List<PhaseChange> changes) {}

  /** One phase change; a key is the SHA-256 (hex) of its SubjectPublicKeyInfo, or null. */
  @JsonPropertyOrder({"time", "from", "to", "servedKey", "nextKey"})
  record PhaseChange(String time, String from, String to, String servedKey, String nextKey) {}

  /** One change of the published MTA-STS policy. */
  @JsonPropertyOrder({"time", "policyId", "mode", "mx", "change"})
  record MtaStsChange(String time, String policyId, String mode, List<String> mx, String change) {}

  /** One change of the domain's MX host list. */
  @JsonPropertyOrder({"time", "hosts", "added", "removed"})
  record MxChange(String time, List<String> hosts, List<String> added, List<String> removed) {}

  /** One TLS report (RFC 8460 section 4) as the operator kept it. */
  @JsonPropertyOrder({"receivedAt", "reportId", "organization", "channel", "start", "end", "policies"})
  record Report(String receivedAt, String reportId, String organization, String channel, String start, String end,
      List<Policy> policies) {}

  /** One policy of a report; {@code labels} name the operator's changes its failure window overlaps. */
  @JsonPropertyOrder({"type", "successful", "failed", "failureTypes", "labels"})
  record Policy(String type, long successful, long failed, Map<String, Long> failureTypes, List<String> labels) {}

  /**
   * The reports added up: per policy type, and the failed sessions no label explains (reported
   * outside every rollover, MTA-STS and MX change of the operator: to be looked into).
   */
  @JsonPropertyOrder({"reports", "successful", "failed", "failedUnlabelled", "byPolicyType"})
  record ReportTotals(long reports, long successful, long failed, long failedUnlabelled,
      List<TypeTotal> byPolicyType) {}

  /** The sessions of one policy type ({@code sts}, {@code tlsa}, {@code no-policy-found}) over all reports. */
  @JsonPropertyOrder({"type", "reports", "successful", "failed", "failureTypes"})
  record TypeTotal(String type, long reports, long successful, long failed, Map<String, Long> failureTypes) {}
}
