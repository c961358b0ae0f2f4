package io.securemail.operator.monitor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The verdicts as Prometheus metrics, per domain (namespace, name) and check:
 * <ul>
 *   <li>{@code securemail_compliance_check_status{check,subject}}: 0 pass, 1 warn, 2 fail, -1 skip;
 *   <li>{@code securemail_compliance_compliant}: 1 when no check fails;
 *   <li>{@code securemail_certificate_expiry_timestamp_seconds{subject}}: notAfter of each certificate
 *       an MX endpoint serves, for "expires soon" alerts that do not depend on the checks' thresholds.
 * </ul>
 * A result that disappears (an MX host removed) takes its series with it.
 */
final class ComplianceMetrics {

  private final MeterRegistry meters;
  private record Series(Gauge gauge, AtomicLong value) {}

  private final Map<String, Series> series = new ConcurrentHashMap<>();
  private final Map<String, List<String>> byDomain = new ConcurrentHashMap<>();

  ComplianceMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void record(SecureMailDomain domain, Report report, DomainObservation observation) {
    Tags tags = Tags.of("namespace", domain.getMetadata().getNamespace(), "name", domain.getMetadata().getName(),
        "domain", report.domain());
    List<String> ids = new ArrayList<>();
    for (CheckResult r : report.checks()) {
      ids.add(set("securemail.compliance.check.status", tags.and("check", r.id(), "subject", r.subject()),
          value(r.status())));
    }
    ids.add(set("securemail.compliance.compliant", tags, report.compliant() ? 1 : 0));
    for (MxObservation mx : observation.mxHosts()) {
      for (SmtpObservation smtp : mx.smtp()) {
        if (smtp.tls() != null && !smtp.tls().chain().isEmpty()) {
          ids.add(set("securemail.certificate.expiry.timestamp.seconds", tags.and("subject", smtp.subject()),
              smtp.tls().chain().get(0).getNotAfter().toInstant().getEpochSecond()));
        }
      }
    }
    List<String> before = byDomain.put(key(domain), ids);
    if (before != null) {
      before.stream().filter(id -> !ids.contains(id)).forEach(this::drop);
    }
  }

  void remove(SecureMailDomain domain) {
    List<String> ids = byDomain.remove(key(domain));
    if (ids != null) {
      ids.forEach(this::drop);
    }
  }

  private String set(String name, Tags tags, long value) {
    String key = name + tags;
    series.computeIfAbsent(key, k -> {
      AtomicLong holder = new AtomicLong(value);
      return new Series(Gauge.builder(name, holder, AtomicLong::get).tags(tags).strongReference(true)
          .register(meters), holder);
    }).value().set(value);
    return key;
  }

  private void drop(String key) {
    Series removed = series.remove(key);
    if (removed != null) {
      meters.remove(removed.gauge());
    }
  }

  private static long value(CheckStatus status) {
    return switch (status) {
      case pass -> 0;
      case warn -> 1;
      case fail -> 2;
      case skip -> -1;
    };
  }

  private static String key(SecureMailDomain domain) {
    return domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName();
  }
}
