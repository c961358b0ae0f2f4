package io.securemail.operator.evidence.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The operator's evidence document for one {@code SecureMailDomain}, as {@code GET
 * /evidence/{namespace}/{name}} serves it (docs/evidence.md): what the export command reads. Only the
 * fields the command uses; a reader ignores the others, as the document's contract asks.
 *
 * @param since null: the operator kept history from the start
 * @param until null: up to {@code generatedAt}
 */
record EvidenceDocument(int schemaVersion, String namespace, String name, String domain, Instant since,
    Instant until, Instant generatedAt, String operatorVersion, List<Compliance> compliance,
    List<Rollover> rollovers, List<MtaSts> mtaSts, List<Mx> mx, List<Report> reports) {

  /** The one version of the document this command reads. */
  static final int SCHEMA_VERSION = 1;

  /** The same document with other lists and period; what a time range leaves of it. */
  EvidenceDocument with(Instant since, Instant until, List<Compliance> compliance, List<Rollover> rollovers,
      List<MtaSts> mtaSts, List<Mx> mx, List<Report> reports) {
    return new EvidenceDocument(schemaVersion, namespace, name, domain, since, until, generatedAt, operatorVersion,
        compliance, rollovers, mtaSts, mx, reports);
  }

  /** Consecutive compliance runs with the same profile and the same verdict of every check. */
  record Compliance(Instant time, Instant lastTime, long runs, String profile, boolean compliant,
      List<Verdict> checks) {}

  /** One check's result: {@code status} is pass, warn, fail or skip. */
  record Verdict(String id, String subject, String status, String message) {}

  /** One DANE rollover phase change of an MX host; a key is the SHA-256 of its SubjectPublicKeyInfo, or null. */
  record Rollover(Instant time, String host, String from, String to, String servedKey, String nextKey) {}

  /** One change of the published MTA-STS policy. */
  record MtaSts(Instant time, String policyId, String mode, List<String> mx, String change) {}

  /** One change of the domain's MX host list. */
  record Mx(Instant time, List<String> hosts, List<String> added, List<String> removed) {}

  /** One TLS report (RFC 8460 section 4) the operator kept for the domain. */
  record Report(Instant receivedAt, String reportId, String organization, String channel, Instant start,
      Instant end, List<Policy> policies) {}

  /** One policy of a report: its sessions, failure result types, and the operator's changes it overlaps. */
  record Policy(String type, long successful, long failed, Map<String, Long> failureTypes, List<String> labels) {}
}
