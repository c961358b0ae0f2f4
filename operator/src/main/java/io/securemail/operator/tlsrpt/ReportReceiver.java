package io.securemail.operator.tlsrpt;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.securemail.operator.LeaderRole;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.DomainEvents;
import io.securemail.operator.tlsrpt.StoredReport.PolicyCounts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Receives TLS reports from either transport (RFC 8460 section 3): reads the body within the size
 * limits, checks the shape, keeps a report about a domain the operator manages once per report-id,
 * counts it, and raises a Warning event ({@value #FAILURES_EVENT}) on a domain when a report names
 * failures the window before had none of.
 */
@ApplicationScoped
public class ReportReceiver implements ReportIntake {

  /** The Warning event's reason. */
  public static final String FAILURES_EVENT = "TlsReportFailures";

  private static final Logger LOG = Logger.getLogger(ReportReceiver.class);

  /**
   * By default, how long a replica that has just begun leading (or started, without leader
   * election) answers a report about a domain it does not know yet with {@link Verdict#UNAVAILABLE}
   * instead of {@link Verdict#NOT_OURS} (securemail.tlsrpt.settling): the domains become known as
   * the first reconciles run (about half a minute for a thousand domains, docs/performance.md), and
   * a sender must not be told for good that a domain of ours is not.
   */
  static final Duration SETTLING = Duration.ofMinutes(2);

  /** Whether, and since when, this replica leads: only the leader keeps reports. */
  @FunctionalInterface
  public interface Leadership {
    /** When this replica began leading; empty while it does not lead. */
    Optional<Instant> leadingSince();

    /** A replica that has led, and known its domains, for as long as anyone remembers. */
    static Leadership settled() {
      return () -> Optional.of(Instant.MIN);
    }
  }

  /** Records a Warning event on a domain. */
  @FunctionalInterface
  public interface Warnings {
    void warn(SecureMailDomain domain, String reason, String message);
  }

  private final ReportedDomains domains;
  private final ReportLimits limits;
  private final ReportStore store;
  private final Duration window;
  private final ReportMetrics metrics;
  private final Warnings warnings;
  private final Clock clock;
  private final Leadership leadership;
  private final Duration settling;
  private final List<Consumer<SecureMailDomain>> listeners = new CopyOnWriteArrayList<>();
  private volatile ReportLabels labels = ReportLabels.NONE;

  @Inject
  public ReportReceiver(ReportedDomains domains, MeterRegistry meters, KubernetesClient client, LeaderRole leader,
      @ConfigProperty(name = "securemail.tlsrpt.max-bytes", defaultValue = "1048576") long maxBytes,
      @ConfigProperty(name = "securemail.tlsrpt.max-inflated-bytes", defaultValue = "8388608") long maxInflatedBytes,
      @ConfigProperty(name = "securemail.tlsrpt.store") Optional<Path> storeDir,
      @ConfigProperty(name = "securemail.tlsrpt.retention", defaultValue = "90d") String retention,
      @ConfigProperty(name = "securemail.tlsrpt.max-store-bytes", defaultValue = "268435456") long maxStoreBytes,
      @ConfigProperty(name = "securemail.tlsrpt.window", defaultValue = "7d") String window,
      @ConfigProperty(name = "securemail.tlsrpt.quota.domain-bytes", defaultValue = "67108864") long domainBytes,
      @ConfigProperty(name = "securemail.tlsrpt.quota.organization-reports-per-day", defaultValue = "100")
          int organizationReportsPerDay,
      @ConfigProperty(name = "securemail.tlsrpt.settling", defaultValue = "2m") Duration settling) {
    this(domains, new ReportLimits(maxBytes, maxInflatedBytes),
        new ReportStore(storeDir.orElseGet(ReportReceiver::temporaryStore),
            RetentionPeriod.parse("securemail.tlsrpt.retention", retention), maxStoreBytes,
            new ReportQuota(domainBytes, organizationReportsPerDay), Clock.systemUTC()),
        RetentionPeriod.parse("securemail.tlsrpt.window", window), meters,
        (domain, reason, message) -> DomainEvents.warning(client, domain, reason, message), Clock.systemUTC(),
        leader::leadingSince, settling);
  }

  /** A receiver that leads and knows its domains. */
  public ReportReceiver(ReportedDomains domains, ReportLimits limits, ReportStore store, Duration window,
      MeterRegistry meters, Warnings warnings, Clock clock) {
    this(domains, limits, store, window, meters, warnings, clock, Leadership.settled(), SETTLING);
  }

  /**
   * @param leadership whether, and since when, this replica leads
   * @param settling how long after it began leading a report about a domain it does not know is
   *     "try again" rather than "not ours"
   */
  public ReportReceiver(ReportedDomains domains, ReportLimits limits, ReportStore store, Duration window,
      MeterRegistry meters, Warnings warnings, Clock clock, Leadership leadership, Duration settling) {
    this.domains = domains;
    this.limits = limits;
    this.store = store;
    this.window = window;
    this.metrics = new ReportMetrics(meters);
    this.warnings = warnings;
    this.clock = clock;
    this.leadership = leadership;
    this.settling = settling;
  }

  /** Without a configured directory the reports live as long as the process (docs/tls-reports.md). */
  private static Path temporaryStore() {
    try {
      Path dir = Files.createTempDirectory("securemail-tlsrpt");
      LOG.warnf("securemail.tlsrpt.store is not set: TLS reports are kept in %s and lost on restart", dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ReportLimits limits() {
    return limits;
  }

  /** Called with the resource of each domain an accepted report is about (to refresh its status). */
  public void onAccepted(Consumer<SecureMailDomain> listener) {
    listeners.add(listener);
  }

  /** Where the operator's own changes come from that failures are labelled with (the evidence journal). */
  public void labelWith(ReportLabels labels) {
    this.labels = labels;
  }

  /** The domain's status.tlsReports: null until a report about it was kept. */
  public io.securemail.operator.api.TlsReportsStatus status(String domain) {
    return ReportsStatus.of(summary(domain), window, List.of());
  }

  /**
   * The resource's status.tlsReports, with the labels of the reports in the window that name
   * failures: null until a report about its domain was kept.
   */
  public io.securemail.operator.api.TlsReportsStatus status(SecureMailDomain resource) {
    String domain = resource.getSpec().getDomain();
    Instant now = clock.instant();
    Instant from = now.minus(window);
    String name = StoredReport.domainName(domain);
    Set<String> labelled = new LinkedHashSet<>();
    for (StoredReport report : store.entries()) {
      if (report.end().isBefore(from) || report.end().isAfter(now)) {
        continue;
      }
      if (report.policies().stream().anyMatch(p -> p.domain().equals(name) && p.failed() > 0)) {
        labelled.addAll(labels.during(resource, report.start(), report.end()));
      }
    }
    return ReportsStatus.of(summary(domain), window, List.copyOf(labelled));
  }

  /** The kept reports naming a domain, oldest received first. */
  public List<StoredReport> keptAbout(String domain) {
    String name = StoredReport.domainName(domain);
    return store.entries().stream().filter(r -> r.policies().stream().anyMatch(p -> p.domain().equals(name)))
        .toList();
  }

  /** What the kept reports say about a domain over the window that ends now. */
  public DomainReports summary(String domain) {
    Instant now = clock.instant();
    return DomainReports.of(domain, store.entries(), now.minus(window), now);
  }

  /**
   * Counts a report the transport refused before handing it here (another media type, a body over
   * the limit), so the reports counter covers every report that arrived.
   */
  public void refusedByTransport(Channel channel, Verdict verdict) {
    metrics.report(channel, verdict);
  }

  /**
   * @throws UncheckedIOException when the store cannot be written: the report is neither kept nor
   *     refused, and the sender should try again
   */
  @Override
  public Outcome accept(byte[] body, String mediaType, Channel channel, String addressedTo) {
    Outcome outcome;
    try {
      outcome = keep(body, mediaType, channel, addressedTo);
    } catch (ReportRefusal refusal) {
      outcome = refusal.outcome();
    }
    metrics.report(channel, outcome.verdict());
    if (outcome.verdict() != Verdict.ACCEPTED && outcome.verdict() != Verdict.DUPLICATE) {
      // Debug only: a sender (or anyone) posting rubbish in a loop must not flood the log; the
      // reports counter shows the refusals.
      LOG.debugf("TLS report over %s to %s refused (%s): %s", channel, addressedTo, outcome.verdict(),
          outcome.reason());
    }
    return outcome;
  }

  private Outcome keep(byte[] body, String mediaType, Channel channel, String addressedTo) throws ReportRefusal {
    Optional<Instant> leading = leadership.leadingSince();
    if (leading.isEmpty()) {
      // Only the leader keeps reports: its store is the one the domains' status is read from, and
      // the reports Service routes to it (docs/tls-reports.md#several-replicas). This replica is
      // reached only while the Service follows a new leader; the sender tries again.
      throw new ReportRefusal(Verdict.UNAVAILABLE, "this operator replica does not lead and keeps no "
          + "reports; try again later");
    }
    byte[] json = ReportBody.json(body, mediaType, limits);
    TlsReport report = ReportParser.parse(json);
    Map<SecureMailDomain, List<PolicyCounts>> ours = new LinkedHashMap<>();
    Set<String> named = new LinkedHashSet<>();
    StoredReport counted = StoredReport.of(report, "", json.length, clock.instant(), channel);
    for (PolicyCounts policy : counted.policies()) {
      named.add(policy.domain());
      domains.managing(policy.domain()).ifPresent(d -> ours.computeIfAbsent(d, k -> new ArrayList<>()).add(policy));
    }
    if (ours.isEmpty() && clock.instant().isBefore(leading.get().plus(settling))) {
      throw new ReportRefusal(Verdict.UNAVAILABLE, "the report receiver has just started and does not know "
          + "every domain yet; try again later");
    }
    if (ours.isEmpty()) {
      throw new ReportRefusal(Verdict.NOT_OURS, "the report is about " + String.join(", ", named)
          + ", for which this operator receives no TLS reports");
    }
    Map<SecureMailDomain, DomainReports> before = new LinkedHashMap<>();
    ReportStore.Added added;
    synchronized (store) {
      ours.keySet().forEach(d -> before.put(d, summary(d.getSpec().getDomain())));
      try {
        added = store.add(report, json, channel);
      } catch (IOException e) {
        throw new UncheckedIOException("the TLS report could not be stored: " + e.getMessage(), e);
      }
    }
    if (added == ReportStore.Added.DUPLICATE) {
      return new Outcome(Verdict.DUPLICATE, "a report with report-id '" + report.reportId()
          + "' was received before");
    }
    ours.forEach((domain, policies) -> {
      policies.forEach(p -> metrics.sessions(domain, p));
      newFailures(domain, report, policies, before.get(domain));
      for (Consumer<SecureMailDomain> listener : listeners) {
        try {
          listener.accept(domain);
        } catch (RuntimeException e) {
          // The report is kept; the domain's status catches up at its next reconcile (a replica
          // that does not lead has no controller running to tell).
          LOG.debugf("could not ask for a reconcile of %s/%s: %s", domain.getMetadata().getNamespace(),
              domain.getMetadata().getName(), e.getMessage());
        }
      }
    });
    return Outcome.accepted();
  }

  /** RFC 8460 section 4.3: a failure type the window had not seen before is worth a Warning event. */
  private void newFailures(SecureMailDomain domain, TlsReport report, List<PolicyCounts> policies,
      DomainReports before) {
    List<String> parts = new ArrayList<>();
    for (PolicyCounts policy : policies) {
      if (policy.failed() == 0) {
        continue;
      }
      DomainReports.PolicyTypeTotals seen = before.byPolicyType().get(policy.type());
      Map<String, Long> fresh = new TreeMap<>();
      policy.failures().forEach((type, n) -> {
        if (n > 0 && (seen == null || seen.failures().getOrDefault(type, 0L) == 0)) {
          fresh.put(type, n);
        }
      });
      boolean firstFailures = seen == null || seen.failed() == 0;
      if (!fresh.isEmpty() || firstFailures) {
        parts.add(policy.failed() + " failed sessions under the " + policy.type() + " policy"
            + (policy.failures().isEmpty() ? "" : " (" + policy.failures().entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")"));
      }
    }
    if (!parts.isEmpty()) {
      StoredReport kept = StoredReport.of(report, "", 0, clock.instant(), null);
      List<String> during = labels.during(domain, kept.start(), kept.end());
      warnings.warn(domain, FAILURES_EVENT, report.organizationName() + " reports " + String.join("; ", parts)
          + " between " + report.dateRange().startDatetime() + " and " + report.dateRange().endDatetime()
          + " (report-id " + report.reportId() + ")" + (during.isEmpty() ? "" : "; " + String.join("; ", during)));
    }
  }
}
