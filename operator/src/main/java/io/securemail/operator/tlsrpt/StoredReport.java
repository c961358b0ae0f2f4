package io.securemail.operator.tlsrpt;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.TlsReport.FailureDetail;
import io.securemail.operator.tlsrpt.TlsReport.PolicyResult;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the store's index keeps of an accepted report: enough to answer every question the operator
 * asks (counts per domain and policy type, failure types, organisations, MX hosts) without opening
 * the report again.
 *
 * @param reportId the sender's report-id (RFC 8460 section 4.1), the deduplication key
 * @param file the report's file in the store
 * @param bytes the size of that file
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredReport(String reportId, String file, long bytes, Instant receivedAt, Channel channel,
    String organization, Instant start, Instant end, List<PolicyCounts> policies) {

  /** At most this many MX hosts and addresses are kept per policy: a report cannot grow the index without bound. */
  static final int MAX_HOSTS = 16;

  /**
   * One policy of the report.
   *
   * @param failures failed sessions by result type ({@link ResultTypes})
   * @param receivingMx the receiving-mx-hostname values of the failure details
   * @param receivingIps the receiving-ip values of the failure details
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PolicyCounts(String type, String domain, long successful, long failed, Map<String, Long> failures,
      List<String> receivingMx, List<String> receivingIps) {}

  static StoredReport of(TlsReport report, String file, long bytes, Instant receivedAt, Channel channel) {
    List<PolicyCounts> policies = new ArrayList<>();
    for (PolicyResult result : report.policies()) {
      Map<String, Long> failures = new TreeMap<>();
      TreeSet<String> mx = new TreeSet<>();
      TreeSet<String> ips = new TreeSet<>();
      if (result.failureDetails() != null) {
        for (FailureDetail detail : result.failureDetails()) {
          long count = detail.failedSessionCount() == null ? 0 : detail.failedSessionCount();
          failures.merge(ResultTypes.of(detail.resultType()), count, Long::sum);
          addBounded(mx, detail.receivingMxHostname());
          addBounded(ips, detail.receivingIp());
        }
      }
      policies.add(new PolicyCounts(result.policy().policyType(), domainName(result.policy().policyDomain()),
          result.summary().totalSuccessfulSessionCount(), result.summary().totalFailureSessionCount(), failures,
          List.copyOf(mx), List.copyOf(ips)));
    }
    return new StoredReport(report.reportId(), file, bytes, receivedAt, channel,
        bounded(report.organizationName(), 128), OffsetDateTime.parse(report.dateRange().startDatetime()).toInstant(),
        OffsetDateTime.parse(report.dateRange().endDatetime()).toInstant(), policies);
  }

  /** The policy domains the report is about, each once. */
  @JsonIgnore
  public Set<String> domains() {
    Set<String> domains = new LinkedHashSet<>();
    if (policies != null) {
      policies.forEach(p -> domains.add(p.domain()));
    }
    return domains;
  }

  /** A domain name as compared: lower case, without a final dot. */
  static String domainName(String name) {
    String text = name.strip().toLowerCase(Locale.ROOT);
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  private static void addBounded(TreeSet<String> set, String value) {
    if (value != null && !value.isBlank() && set.size() < MAX_HOSTS) {
      set.add(bounded(domainName(value), 255));
    }
  }

  private static String bounded(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
