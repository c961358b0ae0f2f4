package io.securemail.operator.tlsrpt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import io.securemail.operator.tlsrpt.TlsReport.FailureDetail;
import io.securemail.operator.tlsrpt.TlsReport.PolicyResult;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * A report's JSON into a {@link TlsReport}, refused unless it has the shape of RFC 8460 section 4:
 * the report's own fields, at least one policy, each with a known policy type, a policy domain and a
 * summary of non-negative counts, and failure details with a result type.
 */
public final class ReportParser {

  /** RFC 8460 section 4.2: the policy types. */
  public static final Set<String> POLICY_TYPES = Set.of("sts", "tlsa", "no-policy-found");

  /** Enough for any real report; a report nested deeper is not one. */
  private static final int MAX_POLICIES = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private ReportParser() {}

  static TlsReport parse(byte[] json) throws ReportRefusal {
    if (blank(json)) {
      throw malformed("the body is empty");
    }
    TlsReport report;
    try {
      report = JSON.readValue(json, TlsReport.class);
    } catch (JsonProcessingException e) {
      throw malformed("not a JSON report object: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw malformed("not a JSON report object: " + e.getMessage());
    }
    if (report == null) {
      throw malformed("the body is empty");
    }
    check(report);
    return report;
  }

  private static void check(TlsReport report) throws ReportRefusal {
    // contact-info is required by section 4.4 but carries nothing the operator uses; some senders
    // leave it out, and their reports are still worth reading.
    text(report.organizationName(), "organization-name");
    text(report.reportId(), "report-id");
    if (report.dateRange() == null) {
      throw malformed("date-range is missing (RFC 8460 section 4.1)");
    }
    OffsetDateTime start = dateTime(report.dateRange().startDatetime(), "date-range.start-datetime");
    OffsetDateTime end = dateTime(report.dateRange().endDatetime(), "date-range.end-datetime");
    if (end.isBefore(start)) {
      throw malformed("date-range ends before it starts");
    }
    List<PolicyResult> policies = report.policies();
    if (policies == null || policies.isEmpty()) {
      throw malformed("policies is missing or empty (RFC 8460 section 4.1)");
    }
    if (policies.size() > MAX_POLICIES) {
      throw malformed("more than " + MAX_POLICIES + " policies");
    }
    for (int i = 0; i < policies.size(); i++) {
      checkPolicy(policies.get(i), "policies[" + i + "]");
    }
  }

  private static void checkPolicy(PolicyResult result, String at) throws ReportRefusal {
    if (result == null || result.policy() == null) {
      throw malformed(at + ".policy is missing (RFC 8460 section 4.2)");
    }
    String type = result.policy().policyType();
    if (type == null || !POLICY_TYPES.contains(type)) {
      throw malformed(at + ".policy.policy-type is " + (type == null ? "missing" : "'" + type + "'")
          + ", not sts, tlsa or no-policy-found (RFC 8460 section 4.2)");
    }
    text(result.policy().policyDomain(), at + ".policy.policy-domain");
    if (result.summary() == null) {
      throw malformed(at + ".summary is missing (RFC 8460 section 4.3)");
    }
    count(result.summary().totalSuccessfulSessionCount(), at + ".summary.total-successful-session-count");
    count(result.summary().totalFailureSessionCount(), at + ".summary.total-failure-session-count");
    List<FailureDetail> details = result.failureDetails();
    if (details == null) {
      return;
    }
    for (int i = 0; i < details.size(); i++) {
      FailureDetail detail = details.get(i);
      String where = at + ".failure-details[" + i + "]";
      if (detail == null) {
        throw malformed(where + " is null");
      }
      text(detail.resultType(), where + ".result-type");
      if (detail.failedSessionCount() != null) {
        count(detail.failedSessionCount(), where + ".failed-session-count");
      }
    }
  }

  private static boolean blank(byte[] json) {
    for (byte b : json) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static void text(String value, String field) throws ReportRefusal {
    if (value == null || value.isBlank()) {
      throw malformed(field + " is missing (RFC 8460 section 4)");
    }
  }

  private static void count(Long value, String field) throws ReportRefusal {
    if (value == null) {
      throw malformed(field + " is missing (RFC 8460 section 4.3)");
    }
    if (value < 0) {
      throw malformed(field + " is negative");
    }
  }

  private static OffsetDateTime dateTime(String value, String field) throws ReportRefusal {
    text(value, field);
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw malformed(field + " '" + value + "' is not an RFC 3339 date-time");
    }
  }

  private static ReportRefusal malformed(String reason) {
    return new ReportRefusal(Verdict.MALFORMED, reason);
  }
}
