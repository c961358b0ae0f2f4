package io.securemail.operator.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.securemail.operator.tlsrpt.StoredReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The evidence document of one domain over [since, until] (schema version {@value #SCHEMA_VERSION}):
 * its kept history and the TLS reports about it, each list oldest first, each report's policies
 * with failures labelled with the operator's own changes their window overlaps. The export command
 * renders it; its fields are a contract (docs/tls-reports.md#labels), only ever added to within a
 * schema version.
 */
public final class EvidenceDocument {

  public static final int SCHEMA_VERSION = 1;

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private EvidenceDocument() {}

  /**
   * @param since null: from the oldest entry kept
   * @param reports the kept reports naming the domain, oldest received first
   * @param labels the labels of a report window [start, end]
   */
  public static ObjectNode of(DomainHistory history, List<StoredReport> reports, Instant since, Instant until,
      Instant now, String operatorVersion, BiFunction<Instant, Instant, List<String>> labels) {
    Instant from = since != null ? since : oldest(history, reports, until);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("schemaVersion", SCHEMA_VERSION);
    doc.put("namespace", history.namespace());
    doc.put("name", history.name());
    doc.put("domain", history.domain());
    doc.put("since", text(from));
    doc.put("until", text(until));
    doc.put("generatedAt", text(now));
    doc.put("operatorVersion", operatorVersion);
    ArrayNode compliance = doc.putArray("compliance");
    history.compliance().stream().filter(e -> overlaps(e.time(), e.lastTime(), from, until)).forEach(e -> {
      ObjectNode entry = compliance.addObject();
      entry.put("time", text(e.time()));
      entry.put("lastTime", text(e.lastTime()));
      entry.put("runs", e.runs());
      entry.put("profile", e.profile());
      entry.put("compliant", e.compliant());
      ArrayNode checks = entry.putArray("checks");
      e.checks().forEach(c -> checks.addObject().put("id", c.id()).put("subject", c.subject())
          .put("status", c.status()).put("message", c.message()));
    });
    ArrayNode rollovers = doc.putArray("rollovers");
    history.rollovers().stream().filter(e -> overlaps(e.time(), e.time(), from, until)).forEach(e ->
        rollovers.addObject().put("time", text(e.time())).put("host", e.host()).put("from", e.from())
            .put("to", e.to()).put("servedKey", e.servedKey()).put("nextKey", e.nextKey()));
    ArrayNode mtaSts = doc.putArray("mtaSts");
    history.mtaSts().stream().filter(e -> overlaps(e.time(), e.time(), from, until)).forEach(e -> {
      ObjectNode entry = mtaSts.addObject().put("time", text(e.time())).put("policyId", e.policyId())
          .put("mode", e.mode());
      ArrayNode mx = entry.putArray("mx");
      e.mx().forEach(mx::add);
      entry.put("change", e.change()).put("firstSeen", e.firstSeen());
    });
    ArrayNode mx = doc.putArray("mx");
    history.mx().stream().filter(e -> overlaps(e.time(), e.time(), from, until)).forEach(e -> {
      ObjectNode entry = mx.addObject().put("time", text(e.time()));
      e.hosts().forEach(entry.putArray("hosts")::add);
      e.added().forEach(entry.putArray("added")::add);
      e.removed().forEach(entry.putArray("removed")::add);
      entry.put("firstSeen", e.firstSeen());
    });
    ArrayNode kept = doc.putArray("reports");
    String name = history.domain() == null ? "" : history.domain().strip().toLowerCase(Locale.ROOT)
        .replaceFirst("\\.$", "");
    reports.stream().filter(r -> overlaps(r.receivedAt(), r.receivedAt(), from, until)).forEach(r -> {
      ObjectNode entry = kept.addObject().put("receivedAt", text(r.receivedAt())).put("reportId", r.reportId())
          .put("organization", r.organization()).put("channel", r.channel() == null ? null
              : r.channel().name().toLowerCase(Locale.ROOT))
          .put("start", text(r.start())).put("end", text(r.end()));
      ArrayNode policies = entry.putArray("policies");
      List<String> during = null;
      for (StoredReport.PolicyCounts p : r.policies()) {
        if (!p.domain().equals(name)) {
          continue;
        }
        ObjectNode policy = policies.addObject().put("type", p.type()).put("successful", p.successful())
            .put("failed", p.failed());
        ObjectNode failures = policy.putObject("failureTypes");
        new TreeMap<>(p.failures()).forEach(failures::put);
        ArrayNode policyLabels = policy.putArray("labels");
        if (p.failed() > 0) {
          if (during == null) {
            during = labels.apply(r.start(), r.end());
          }
          during.forEach(policyLabels::add);
        }
      }
    });
    return doc;
  }

  /** Whether [start, end] and [from, until] share a moment. */
  static boolean overlaps(Instant start, Instant end, Instant from, Instant until) {
    return !start.isAfter(until) && !end.isBefore(from);
  }

  private static Instant oldest(DomainHistory history, List<StoredReport> reports, Instant until) {
    return Stream.of(history.compliance().stream().map(ComplianceEntry::time),
            history.rollovers().stream().map(RolloverEntry::time), history.mtaSts().stream().map(MtaStsEntry::time),
            history.mx().stream().map(MxEntry::time), reports.stream().map(StoredReport::receivedAt))
        .flatMap(s -> s).min(Instant::compareTo).orElse(until);
  }

  private static String text(Instant time) {
    return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
