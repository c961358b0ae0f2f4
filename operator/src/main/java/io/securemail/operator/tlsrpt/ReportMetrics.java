package io.securemail.operator.tlsrpt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.util.Locale;

/**
 * Received reports as Prometheus counters, every label from a closed set:
 * <ul>
 *   <li>{@code securemail_tlsrpt_reports_total{channel,verdict}}: every report, whatever became of it;
 *   <li>{@code securemail_tlsrpt_sessions_total{namespace,name,policy_type,result}}: the sessions an
 *       accepted report counts for a domain the operator manages, {@code result} {@code successful} or
 *       {@code failed} (RFC 8460 section 4.3 summary);
 *   <li>{@code securemail_tlsrpt_failed_sessions_total{namespace,name,policy_type,result_type}}: the
 *       failed sessions of the failure details, by result type ({@link ResultTypes}, else {@code other}).
 * </ul>
 * Only managed domains get series: a report about anyone else adds to the reports counter alone.
 */
final class ReportMetrics {

  static final String REPORTS = "securemail.tlsrpt.reports";
  static final String SESSIONS = "securemail.tlsrpt.sessions";
  static final String FAILED_SESSIONS = "securemail.tlsrpt.failed.sessions";

  private final MeterRegistry meters;

  ReportMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void report(Channel channel, Verdict verdict) {
    Counter.builder(REPORTS).description("TLS reports received (RFC 8460), by transport and verdict")
        .tags("channel", lower(channel.name()), "verdict", lower(verdict.name()))
        .register(meters).increment();
  }

  void sessions(SecureMailDomain domain, StoredReport.PolicyCounts policy) {
    Tags tags = Tags.of("namespace", domain.getMetadata().getNamespace(), "name", domain.getMetadata().getName(),
        "policy_type", policy.type());
    Counter.builder(SESSIONS).description("Sessions counted by received TLS reports, by policy type and result")
        .tags(tags.and("result", "successful")).register(meters).increment(policy.successful());
    Counter.builder(SESSIONS).description("Sessions counted by received TLS reports, by policy type and result")
        .tags(tags.and("result", "failed")).register(meters).increment(policy.failed());
    policy.failures().forEach((type, count) ->
        Counter.builder(FAILED_SESSIONS).description("Failed sessions in received TLS reports, by result type")
            .tags(tags.and("result_type", type)).register(meters).increment(count));
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
