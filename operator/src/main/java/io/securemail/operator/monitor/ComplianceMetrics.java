package io.securemail.operator.monitor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.CheckStatus;
import io.securemail.operator.compliance.ComplianceEngine;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Report;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import io.securemail.operator.observe.DomainSeriesRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The verdicts as Prometheus metrics, per domain (namespace, name) and check:
 * <ul>
 *   <li>{@code securemail_compliance_check_status{check,subject}}: 0 pass, 1 warn, 2 fail (a skipped
 *       check has no series);
 *   <li>{@code securemail_compliance_compliant}: 1 when no check fails;
 *   <li>{@code securemail_certificate_expiry_timestamp_seconds{subject}}: notAfter of each certificate
 *       an MX endpoint serves, for "expires soon" alerts that do not depend on the checks' thresholds;
 *   <li>{@code securemail_compliance_last_check_timestamp_seconds} (namespace and name only): when the
 *       last check of the domain completed, 0 while none has since the operator started.
 * </ul>
 * For a domain on a MailTransport, the results about the fleet's MX hosts and their certificates
 * have no series of the domain: the transport's own domain exports them, once for the fleet.
 * A result that disappears (an MX host removed) takes its series with it. A check that could not
 * run takes the verdict series (check status, compliant) with it too: a gauge keeps its last value
 * for as long as it exists, so a verdict nobody renews would look current, and a domain whose
 * checker cannot check would go on looking compliant. The last-check timestamp stays and ages, which
 * is what a staleness alert looks at.
 */
final class ComplianceMetrics {

  static final String CHECK_STATUS = "securemail.compliance.check.status";
  static final String COMPLIANT = "securemail.compliance.compliant";
  static final String CERTIFICATE_EXPIRY = "securemail.certificate.expiry.timestamp.seconds";
  static final String LAST_CHECK = "securemail.compliance.last.check.timestamp.seconds";

  /** The series that state a verdict; they go when there is none. */
  private static final Set<String> VERDICTS = Set.of(CHECK_STATUS, COMPLIANT);

  private record Series(String name, Gauge gauge, AtomicLong value) {}

  private final DomainSeriesRegistry meters;
  private final Map<String, Series> series = new ConcurrentHashMap<>();
  /** Per domain, the keys of the series its last report set (not the last-check timestamp). */
  private final Map<String, List<String>> byDomain = new ConcurrentHashMap<>();

  ComplianceMetrics(MeterRegistry meters) {
    this.meters = new DomainSeriesRegistry(meters);
  }

  /** A completed check: its results replace the domain's series, and it is the domain's last check. */
  void record(SecureMailDomain domain, Report report, DomainObservation observation, Instant completedAt) {
    Tags tags = Tags.of("namespace", domain.getMetadata().getNamespace(), "name", domain.getMetadata().getName(),
        "domain", report.domain());
    List<String> keys = new ArrayList<>();
    Set<String> fleetHosts = fleetHosts(domain);
    for (CheckResult r : report.checks()) {
      // A skipped check said nothing (it did not apply, or what it needed was missing): no verdict, no series.
      if (r.status() != CheckStatus.skip && !aboutFleetHost(r, fleetHosts)) {
        keys.add(set(CHECK_STATUS, tags.and("check", r.id(), "subject", r.subject()), value(r.status())));
      }
    }
    keys.add(set(COMPLIANT, tags, report.compliant() ? 1 : 0));
    for (MxObservation mx : fleetHosts.isEmpty() ? observation.mxHosts() : List.<MxObservation>of()) {
      for (SmtpObservation smtp : mx.smtp()) {
        if (smtp.tls() != null && !smtp.tls().chain().isEmpty()) {
          keys.add(set(CERTIFICATE_EXPIRY, tags.and("subject", smtp.subject()),
              smtp.tls().chain().get(0).getNotAfter().toInstant().getEpochSecond()));
        }
      }
    }
    List<String> before = byDomain.put(key(domain), keys);
    if (before != null) {
      before.stream().filter(k -> !keys.contains(k)).forEach(this::drop);
    }
    set(LAST_CHECK, resourceTags(domain), completedAt.getEpochSecond());
  }

  /**
   * A check that could not run, or a domain the monitor does not check (its spec is invalid): no
   * verdict, so its verdict series go. The certificate expiry series stay (a date seen, not a
   * verdict), and so does the last-check timestamp, which appears at 0 if no check has completed.
   */
  void noVerdict(SecureMailDomain domain) {
    byDomain.computeIfPresent(key(domain), (k, keys) -> {
      List<String> kept = new ArrayList<>();
      for (String key : keys) {
        Series s = series.get(key);
        if (s != null && VERDICTS.contains(s.name())) {
          drop(key);
        } else {
          kept.add(key);
        }
      }
      return kept;
    });
    setIfAbsent(LAST_CHECK, resourceTags(domain), 0);
  }

  /** A deleted domain: every series of it goes. */
  void remove(SecureMailDomain domain) {
    List<String> keys = byDomain.remove(key(domain));
    if (keys != null) {
      keys.forEach(this::drop);
    }
    drop(LAST_CHECK + resourceTags(domain));
  }

  private String set(String name, Tags tags, long value) {
    String key = setIfAbsent(name, tags, value);
    series.get(key).value().set(value);
    return key;
  }

  private String setIfAbsent(String name, Tags tags, long value) {
    String key = name + tags;
    series.computeIfAbsent(key, k -> {
      AtomicLong holder = new AtomicLong(value);
      return new Series(name, Gauge.builder(name, holder, AtomicLong::get).tags(tags).strongReference(true)
          .register(meters.get()), holder);
    });
    return key;
  }

  private void drop(String key) {
    Series removed = series.remove(key);
    if (removed != null) {
      meters.get().remove(removed.gauge());
    }
  }

  /**
   * The MX hosts of a domain on a MailTransport (empty for any other domain). Their endpoints, keys
   * and TLSA records are the fleet's: the transport's own domain, checked like any other, exports
   * their series once, where a thousand attached domains would export the same a thousand times.
   */
  private static Set<String> fleetHosts(SecureMailDomain domain) {
    if (domain.getSpec() == null || domain.getSpec().getTransport() == null || domain.getSpec().getMx() == null) {
      return Set.of();
    }
    Set<String> hosts = new HashSet<>();
    domain.getSpec().getMx().stream().filter(mx -> mx.getHost() != null)
        .forEach(mx -> hosts.add(ComplianceEngine.normalize(mx.getHost())));
    return hosts;
  }

  /**
   * Whether a result is about one of the fleet's MX hosts (the host, or an endpoint "host[address]")
   * rather than about the attached domain. mtasts.mx names an MX host but judges the domain's own
   * policy, which must list it.
   */
  static boolean aboutFleetHost(CheckResult result, Set<String> fleetHosts) {
    if (fleetHosts.isEmpty() || result.subject() == null || "mtasts.mx".equals(result.id())) {
      return false;
    }
    String subject = result.subject();
    int bracket = subject.indexOf('[');
    return fleetHosts.contains(ComplianceEngine.normalize(bracket < 0 ? subject : subject.substring(0, bracket)));
  }

  private static long value(CheckStatus status) {
    return switch (status) {
      case pass -> 0;
      case warn -> 1;
      case fail -> 2;
      case skip -> throw new IllegalArgumentException("a skipped check has no series");
    };
  }

  private static Tags resourceTags(SecureMailDomain domain) {
    return Tags.of("namespace", domain.getMetadata().getNamespace(), "name", domain.getMetadata().getName());
  }

  private static String key(SecureMailDomain domain) {
    return domain.getMetadata().getNamespace() + "/" + domain.getMetadata().getName();
  }
}
