package io.securemail.operator.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.StoredReport;
import io.securemail.operator.tlsrpt.StoredReport.PolicyCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evidence document has the contract's fields, filters by [since, until] and labels failures only. */
class EvidenceDocumentTest {

  private static Instant at(String text) {
    return Instant.parse(text);
  }

  private static final DomainHistory HISTORY = new DomainHistory("mail", "example", "example.org",
      List.of(new ComplianceEntry(at("2026-11-02T10:00:00Z"), at("2026-11-03T09:55:00Z"), 288, "bsi", true,
          List.of(new CheckEntry("dane.match", "mx1.example.org", "pass", "served key matches")))),
      List.of(new RolloverEntry(at("2026-11-05T12:00:00Z"), "mx1.example.org", "Stable", "Switching", "aa", "bb"),
          new RolloverEntry(at("2026-11-06T06:00:00Z"), "mx1.example.org", "Switching", "Retiring", "bb", null)),
      List.of(new MtaStsEntry(at("2026-11-06T08:00:00Z"), "20261106T080000", "enforce",
          List.of("mx1.example.org", "mx2.example.org"), "mx2.example.org added to the policy", false)),
      List.of(new MxEntry(at("2026-11-06T09:00:00Z"), List.of("mx1.example.org", "mx2.example.org"),
          List.of("mx2.example.org"), List.of(), false)));

  private static final List<StoredReport> REPORTS = List.of(new StoredReport("r-1", "f", 10,
      at("2026-11-06T10:00:00Z"), Channel.HTTPS, "Sender Inc.", at("2026-11-05T00:00:00Z"), at("2026-11-05T23:59:59Z"),
      List.of(new PolicyCounts("sts", "example.org", 120, 3, Map.of("validation-failure", 3L), List.of(), List.of()),
          new PolicyCounts("tlsa", "example.org", 50, 0, Map.of(), List.of(), List.of()),
          new PolicyCounts("sts", "other.example", 9, 9, Map.of(), List.of(), List.of()))));

  @Test
  void theDocumentHasTheContractsFields() {
    JsonNode doc = EvidenceDocument.of(HISTORY, REPORTS, null, at("2026-12-01T00:00:00Z"),
        at("2026-12-06T21:30:00Z"), "0.5.0", (start, end) -> ChangeLabels.during(HISTORY, start, end));
    assertThat(names(doc)).containsExactly("schemaVersion", "namespace", "name", "domain", "since", "until",
        "generatedAt", "operatorVersion", "compliance", "rollovers", "mtaSts", "mx", "reports");
    assertThat(doc.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(doc.get("since").asText()).isEqualTo("2026-11-02T10:00:00Z");
    assertThat(doc.get("until").asText()).isEqualTo("2026-12-01T00:00:00Z");
    JsonNode compliance = doc.get("compliance").get(0);
    assertThat(names(compliance)).contains("time", "lastTime", "runs", "profile", "compliant", "checks");
    assertThat(compliance.get("runs").asLong()).isEqualTo(288);
    assertThat(names(compliance.get("checks").get(0))).containsExactly("id", "subject", "status", "message");
    JsonNode rollover = doc.get("rollovers").get(1);
    assertThat(names(rollover)).containsExactly("time", "host", "from", "to", "servedKey", "nextKey");
    assertThat(rollover.get("nextKey").isNull()).isTrue();
    assertThat(names(doc.get("mtaSts").get(0))).contains("time", "policyId", "mode", "mx", "change");
    assertThat(names(doc.get("mx").get(0))).contains("time", "hosts", "added", "removed");
    JsonNode report = doc.get("reports").get(0);
    assertThat(names(report)).containsExactly("receivedAt", "reportId", "organization", "channel", "start", "end",
        "policies");
    assertThat(report.get("channel").asText()).isEqualTo("https");
    // Only this domain's policies; labels only where sessions failed.
    assertThat(report.get("policies")).hasSize(2);
    JsonNode failed = report.get("policies").get(0);
    assertThat(names(failed)).containsExactly("type", "successful", "failed", "failureTypes", "labels");
    assertThat(failed.get("failureTypes").get("validation-failure").asLong()).isEqualTo(3);
    assertThat(failed.get("labels").get(0).asText()).isEqualTo("reported during Switching of mx1.example.org");
    assertThat(failed.get("labels")).hasSize(1);
    assertThat(report.get("policies").get(1).get("labels")).isEmpty();
  }

  @Test
  void entriesOutsideSinceAndUntilAreLeftOut() {
    JsonNode doc = EvidenceDocument.of(HISTORY, REPORTS, at("2026-11-03T00:00:00Z"), at("2026-11-06T07:00:00Z"),
        at("2026-12-06T21:30:00Z"), "0.5.0", (start, end) -> List.of());
    // The compliance entry's span [11-02, 11-03T09:55] overlaps; the later changes and the report do not.
    assertThat(doc.get("compliance")).hasSize(1);
    assertThat(doc.get("rollovers")).hasSize(2);
    assertThat(doc.get("mtaSts")).isEmpty();
    assertThat(doc.get("mx")).isEmpty();
    assertThat(doc.get("reports")).isEmpty();
    assertThat(doc.get("since").asText()).isEqualTo("2026-11-03T00:00:00Z");
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }
}
