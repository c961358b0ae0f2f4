package io.securemail.operator.evidence.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.evidence.cli.EvidenceDocument.Compliance;
import io.securemail.operator.evidence.cli.EvidenceDocument.MtaSts;
import io.securemail.operator.evidence.cli.EvidenceDocument.Mx;
import io.securemail.operator.evidence.cli.EvidenceDocument.Policy;
import io.securemail.operator.evidence.cli.EvidenceDocument.Report;
import io.securemail.operator.evidence.cli.EvidenceDocument.Rollover;
import io.securemail.operator.evidence.cli.EvidenceDocument.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the operator's evidence document (docs/evidence.md, "What the operator records"). Unknown
 * fields are ignored, as the contract asks; a missing or mistyped field the export needs, a check
 * status outside pass/warn/fail/skip, or another {@code schemaVersion} is refused with the field's
 * path. Lists are put oldest first, whatever order they came in.
 */
final class EvidenceReader {

  static final Set<String> STATUSES = Set.of("pass", "warn", "fail", "skip");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EvidenceReader() {}

  static EvidenceDocument read(String json) throws ExportFailure {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw JsonFields.notEvidence("not JSON (" + e.getOriginalMessage() + ", line " + e.getLocation().getLineNr()
          + ")");
    }
    JsonFields document = JsonFields.of(root, "");
    if (!document.has("schemaVersion")) {
      throw JsonFields.notEvidence("schemaVersion is missing");
    }
    JsonNode version = root.get("schemaVersion");
    if (!version.isInt() || version.asInt() != EvidenceDocument.SCHEMA_VERSION) {
      throw new ExportFailure(ExitCode.UNSUPPORTED_VERSION, "the evidence document has schemaVersion " + version
          + "; this command reads version " + EvidenceDocument.SCHEMA_VERSION
          + " only: use the command of the operator's own version");
    }
    return new EvidenceDocument(EvidenceDocument.SCHEMA_VERSION, document.optionalText("namespace"),
        document.optionalText("name"), document.text("domain"), document.optionalInstant("since"),
        document.optionalInstant("until"), document.optionalInstant("generatedAt"),
        document.optionalText("operatorVersion"),
        oldestFirst(document.objects("compliance", EvidenceReader::compliance), Compliance::time),
        oldestFirst(document.objects("rollovers", EvidenceReader::rollover), Rollover::time),
        oldestFirst(document.objects("mtaSts", EvidenceReader::mtaSts), MtaSts::time),
        oldestFirst(document.objects("mx", EvidenceReader::mx), Mx::time),
        oldestFirst(document.objects("reports", EvidenceReader::report), Report::receivedAt));
  }

  private static Compliance compliance(JsonFields entry) throws ExportFailure {
    Instant time = entry.instant("time");
    Instant lastTime = entry.has("lastTime") ? entry.instant("lastTime") : time;
    if (lastTime.isBefore(time)) {
      throw JsonFields.notEvidence(entry.path("lastTime") + " is before its time");
    }
    List<Verdict> checks = entry.objects("checks", EvidenceReader::verdict);
    boolean compliant = entry.bool("compliant", checks.stream().noneMatch(c -> c.status().equals("fail")));
    long runs = entry.count("runs", 1);
    if (runs < 1) {
      throw JsonFields.notEvidence(entry.path("runs") + " is 0: an entry is at least one run");
    }
    // An operator before the journal named profiles as the spec does wrote bsi for bsi-tr-03108.
    return new Compliance(time, lastTime, runs, Profile.publicName(entry.optionalText("profile")), compliant,
        checks);
  }

  private static Verdict verdict(JsonFields check) throws ExportFailure {
    String status = check.text("status");
    if (!STATUSES.contains(status)) {
      throw JsonFields.notEvidence(check.path("status") + " is '" + status + "', not one of pass, warn, fail, skip");
    }
    return new Verdict(check.text("id"), check.optionalText("subject"), status, check.optionalText("message"));
  }

  private static Rollover rollover(JsonFields entry) throws ExportFailure {
    return new Rollover(entry.instant("time"), entry.text("host"), entry.optionalText("from"),
        entry.optionalText("to"), entry.optionalText("servedKey"), entry.optionalText("nextKey"));
  }

  private static MtaSts mtaSts(JsonFields entry) throws ExportFailure {
    return new MtaSts(entry.instant("time"), entry.optionalText("policyId"), entry.optionalText("mode"),
        entry.texts("mx"), entry.optionalText("change"));
  }

  private static Mx mx(JsonFields entry) throws ExportFailure {
    return new Mx(entry.instant("time"), entry.texts("hosts"), entry.texts("added"), entry.texts("removed"));
  }

  private static Report report(JsonFields entry) throws ExportFailure {
    return new Report(entry.instant("receivedAt"), entry.optionalText("reportId"),
        entry.optionalText("organization"), entry.optionalText("channel"), entry.optionalInstant("start"),
        entry.optionalInstant("end"), entry.objects("policies", EvidenceReader::policy));
  }

  private static Policy policy(JsonFields policy) throws ExportFailure {
    return new Policy(policy.optionalText("type"), policy.count("successful", 0), policy.count("failed", 0),
        policy.counts("failureTypes"), policy.texts("labels"));
  }

  private static <T> List<T> oldestFirst(List<T> entries, Function<T, Instant> time) {
    List<T> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(time));
    return List.copyOf(sorted);
  }
}
