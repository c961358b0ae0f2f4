package io.securemail.operator.compliance.cli;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.securemail.operator.build.BuildVersion;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.Report;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The report as JSON, for scripts and CI; {@code docs/check-report.schema.json} describes it. One
 * domain is one object, as it always was; several are an array of such objects, in the order they
 * were given. Fields are only ever added within a {@link #SCHEMA_VERSION}: a removed, renamed or
 * redefined field raises it, so a consumer that checks it never misreads a report.
 */
final class ReportJson {

  /** The version of the report's shape. */
  static final int SCHEMA_VERSION = 1;

  /** The tool's name in reports and in {@code --version}. */
  static final String TOOL = "securemail-operator check";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options options;

  /** @param options what every report of this run was made with */
  ReportJson(Options options) {
    this.options = options;
  }

  /** One domain's report, checked at {@code checkedAt}. */
  Document document(Report report, Instant checkedAt) {
    return new Document(SCHEMA_VERSION, report.domain(), report.profile().id(), report.compliant(),
        checkedAt.truncatedTo(ChronoUnit.SECONDS).toString(), new Tool(TOOL, BuildVersion.current()), options,
        report.checks().stream().map(Check::of).toList());
  }

  /** One document as an object, or several as an array (even when fewer were checked). */
  static String render(List<Document> documents, boolean several) {
    try {
      return MAPPER.writeValueAsString(several ? documents : documents.get(0)) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("records of strings, numbers and booleans always serialize", e);
    }
  }

  /** One domain's report. The first four fields and {@code checks} are those of the first version of the command. */
  @JsonPropertyOrder({"schemaVersion", "domain", "profile", "compliant", "checkedAt", "tool", "options", "checks"})
  record Document(int schemaVersion, String domain, String profile, boolean compliant, String checkedAt, Tool tool,
      Options options, List<Check> checks) {}

  /** The program that made the report. */
  @JsonPropertyOrder({"name", "version"})
  record Tool(String name, String version) {}

  /**
   * What the checks were made with, so a report read later says how it was made.
   *
   * @param resolvers {@code host:port} of each resolver asked; empty: the system's
   * @param dnssec {@code validate} or {@code resolver}, as the option
   * @param trustAnchorFile the {@code --trust-anchor} file; null: the root's anchors
   * @param caFile the {@code --ca-file}; null: the JRE's roots only
   * @param caaIssuers each {@code --caa-issuer}, as the CAA property value the check looks for; empty: not known
   */
  @JsonPropertyOrder({"profile", "dnssec", "resolvers", "smtpPort", "httpsPort", "timeoutSeconds", "trustAnchorFile",
      "caFile", "caaIssuers"})
  record Options(String profile, String dnssec, List<String> resolvers, int smtpPort, int httpsPort,
      int timeoutSeconds, String trustAnchorFile, String caFile, List<String> caaIssuers) {}

  /** One result, with the section of the docs that explains the check. */
  @JsonPropertyOrder({"id", "subject", "status", "message", "doc"})
  record Check(String id, String subject, String status, String message, String doc) {

    static Check of(CheckResult result) {
      return new Check(result.id(), result.subject(), result.status().name(), result.message(),
          CheckDoc.link(result.id()));
    }
  }
}
