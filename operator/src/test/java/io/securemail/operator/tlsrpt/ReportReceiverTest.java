package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.bytes;
import static io.securemail.operator.tlsrpt.SampleReports.gzip;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.TlsRptSpec;
import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportIntake.Outcome;
import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportReceiverTest {

  private static final String GZIP = "application/tlsrpt+gzip";
  private static final String JSON = "application/tlsrpt+json";

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ReportedDomains domains = new ReportedDomains();
  private final List<String> events = new ArrayList<>();
  private final List<String> refreshed = new ArrayList<>();
  private ReportReceiver receiver;

  @BeforeEach
  void setUp() {
    domains.saw(domain("example-com", "example.com", true));
    domains.saw(domain("example-org", "example.org", false));
    receiver = receiver(1 << 20);
  }

  private ReportReceiver receiver(long storeBytes) {
    ReportReceiver r = new ReportReceiver(domains, ReportLimits.DEFAULT,
        new ReportStore(dir, Duration.ofDays(90), storeBytes, clock), Duration.ofDays(7), meters,
        (d, reason, message) -> events.add(d.getMetadata().getName() + " " + reason + ": " + message), clock);
    r.onAccepted(d -> refreshed.add(d.getMetadata().getName()));
    return r;
  }

  static SecureMailDomain domain(String name, String domain, boolean tlsRpt) {
    SecureMailDomain resource = new SecureMailDomain();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName(name).build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain(domain);
    if (tlsRpt) {
      spec.setTlsRpt(new TlsRptSpec(List.of("mailto:tls@" + domain)));
    }
    resource.setSpec(spec);
    return resource;
  }

  @Test
  void aReportIsKeptOnceAndCounted() {
    Outcome first = receiver.accept(gzip(SampleReports.rfcStyle("r-1", "example.com")), GZIP, Channel.HTTPS,
        "mta-sts.example.com");
    assertThat(first).isEqualTo(Outcome.accepted());
    Outcome again = receiver.accept(bytes(SampleReports.rfcStyle("r-1", "example.com")), JSON, Channel.MAILTO,
        "example.com");
    assertThat(again.verdict()).isEqualTo(Verdict.DUPLICATE);
    assertThat(again.reason()).contains("'r-1'");

    assertThat(counter(ReportMetrics.REPORTS, "verdict", "accepted", "channel", "https")).isEqualTo(1);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "duplicate", "channel", "mailto")).isEqualTo(1);
    // The duplicate's sessions are not counted twice.
    assertThat(counter(ReportMetrics.SESSIONS, "name", "example-com", "policy_type", "sts", "result", "successful"))
        .isEqualTo(5326);
    assertThat(counter(ReportMetrics.SESSIONS, "name", "example-com", "policy_type", "sts", "result", "failed"))
        .isEqualTo(303);
    assertThat(counter(ReportMetrics.FAILED_SESSIONS, "policy_type", "tlsa", "result_type", "dnssec-invalid"))
        .isEqualTo(2);
    assertThat(refreshed).containsExactly("example-com");
  }

  @Test
  void aReportAboutAnotherDomainIsNotOurs() {
    Outcome foreign = receiver.accept(gzip(SampleReports.webMailStyle("r-2", "elsewhere.example")), GZIP,
        Channel.HTTPS, "mta-sts.example.com");
    assertThat(foreign.verdict()).isEqualTo(Verdict.NOT_OURS);
    assertThat(foreign.reason()).contains("elsewhere.example");
    // A managed domain without spec.tlsRpt receives no reports either.
    assertThat(receiver.accept(gzip(SampleReports.webMailStyle("r-3", "example.org")), GZIP, Channel.HTTPS,
        "mta-sts.example.org").verdict()).isEqualTo(Verdict.NOT_OURS);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "not_ours")).isEqualTo(2);
    assertThat(meters.find(ReportMetrics.SESSIONS).counters()).isEmpty();
    assertThat(receiver.summary("elsewhere.example").reports()).isZero();
  }

  @Test
  void aDomainWhoseTlsRptWentAwayNoLongerReceives() {
    domains.saw(domain("example-com", "example.com", false));
    assertThat(receiver.accept(gzip(SampleReports.webMailStyle("r-4", "example.com")), GZIP, Channel.HTTPS, "")
        .verdict()).isEqualTo(Verdict.NOT_OURS);
    domains.saw(domain("example-com", "example.com", true));
    domains.forget(domain("example-com", "example.com", true));
    assertThat(domains.managing("example.com")).isEmpty();
  }

  @Test
  void refusalsAreCountedWithTheirReason() {
    Outcome truncated = receiver.accept(java.util.Arrays.copyOf(gzip(SampleReports.rfcStyle("r", "example.com")),
        100), GZIP, Channel.HTTPS, "");
    assertThat(truncated).isEqualTo(new Outcome(Verdict.MALFORMED, "the gzip body is truncated"));
    assertThat(receiver.accept(new byte[(1 << 20) + 1], GZIP, Channel.HTTPS, "").verdict())
        .isEqualTo(Verdict.TOO_LARGE);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "malformed")).isEqualTo(1);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "too_large")).isEqualTo(1);
    // Refused by the HTTP layer before a body reached the receiver: counted all the same.
    receiver.refusedByTransport(Channel.HTTPS, Verdict.TOO_LARGE);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "too_large", "channel", "https")).isEqualTo(2);
  }

  @Test
  void failuresThatNewlyAppearRaiseOneWarning() {
    receiver.accept(gzip(SampleReports.webMailStyle("clean", "example.com")), GZIP, Channel.HTTPS, "");
    assertThat(events).isEmpty();
    receiver.accept(gzip(SampleReports.hostedStyle("h-1", "example.com", 3)), GZIP, Channel.HTTPS, "");
    assertThat(events).singleElement().asString()
        .startsWith("example-com TlsReportFailures: Hosted Mail Corporation reports 3 failed sessions under the "
            + "tlsa policy (other: 0, tlsa-invalid: 3)");
    // The same failure type again within the window: nothing new to say.
    clock.advance(Duration.ofDays(1));
    receiver.accept(gzip(SampleReports.hostedStyle("h-2", "example.com", 1)), GZIP, Channel.HTTPS, "");
    assertThat(events).hasSize(1);
    // A failure type the window has not seen.
    receiver.accept(gzip(SampleReports.rfcStyle("x-1", "example.com")), GZIP, Channel.HTTPS, "");
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).contains("303 failed sessions under the sts policy", "dnssec-invalid: 2");
  }

  @Test
  void theSummaryCountsTheWindowPerPolicyType() {
    receiver.accept(gzip(SampleReports.rfcStyle("a", "example.com")), GZIP, Channel.HTTPS, "");
    receiver.accept(gzip(SampleReports.webMailStyle("b", "example.com")), GZIP, Channel.HTTPS, "");
    receiver.accept(gzip(SampleReports.hostedStyle("c", "example.com", 3)), GZIP, Channel.HTTPS, "");
    // Ended long before the window.
    receiver.accept(bytes(SampleReports.plain("old", "example.com", "no-policy-found", "2026-10-01T00:00:00Z",
        "2026-10-02T00:00:00Z")), JSON, Channel.HTTPS, "");

    DomainReports summary = receiver.summary("Example.COM");
    assertThat(summary.reports()).isEqualTo(3);
    assertThat(summary.lastReceived()).contains(clock.instant());
    assertThat(summary.byPolicyType()).containsOnlyKeys("sts", "tlsa");
    DomainReports.PolicyTypeTotals sts = summary.byPolicyType().get("sts");
    assertThat(sts.successful()).isEqualTo(5326 + 87);
    assertThat(sts.failed()).isEqualTo(303);
    assertThat(sts.organizations()).containsExactly("Big Mail Inc.", "Company-X");
    assertThat(sts.receivingIps()).containsExactly("203.0.113.56", "203.0.113.58");
    DomainReports.PolicyTypeTotals tlsa = summary.byPolicyType().get("tlsa");
    assertThat(tlsa.successful()).isEqualTo(40 + 12);
    assertThat(tlsa.failed()).isEqualTo(2 + 3);
    assertThat(tlsa.failures()).containsEntry("dnssec-invalid", 2L).containsEntry("tlsa-invalid", 3L)
        .containsEntry("other", 0L);
    assertThat(tlsa.receivingMx()).containsExactly("mx1.example.com", "mx1.mail.example.com");
    assertThat(summary.failed()).isEqualTo(308);
  }

  @Test
  void theStatusSummaryIsShortAndAbsentUntilAReportArrives() {
    assertThat(receiver.status("example.com")).isNull();
    receiver.accept(gzip(SampleReports.rfcStyle("a", "example.com")), GZIP, Channel.HTTPS, "");
    receiver.accept(gzip(SampleReports.hostedStyle("c", "example.com", 3)), GZIP, Channel.HTTPS, "");
    var status = receiver.status("example.com");
    assertThat(status.getWindow()).isEqualTo("7d");
    assertThat(status.getReports()).isEqualTo(2);
    assertThat(status.getLastReceived()).isEqualTo("2026-12-04T08:00:00Z");
    assertThat(status.getPolicies()).extracting(p -> p.getPolicyType(), p -> p.getSuccessfulSessions(),
        p -> p.getFailedSessions(), p -> p.getTopFailures()).containsExactly(
        org.assertj.core.groups.Tuple.tuple("sts", 5326L, 303L,
            List.of("starttls-not-supported: 200", "certificate-expired: 100", "validation-failure: 3")),
        org.assertj.core.groups.Tuple.tuple("tlsa", 52L, 5L, List.of("tlsa-invalid: 3", "dnssec-invalid: 2")));

    // Once the reports' periods have left the window, the counts go; when the last one arrived stays.
    clock.advance(Duration.ofDays(30));
    var later = receiver.status("example.com");
    assertThat(later.getReports()).isZero();
    assertThat(later.getPolicies()).isEmpty();
    assertThat(later.getLastReceived()).isEqualTo("2026-12-04T08:00:00Z");
  }

  /**
   * A failure whose window overlaps one of the operator's own changes is labelled with it, in the
   * Warning event and in status; a report of the same domain outside that window is not.
   */
  @Test
  void failuresAreLabelledWithTheOperatorsChangesTheirWindowOverlaps() {
    List<String> asked = new ArrayList<>();
    receiver.labelWith((d, start, end) -> {
      asked.add(d.getMetadata().getName() + " " + start + " " + end);
      return List.of("reported during Switching of mx1.example.com");
    });
    SecureMailDomain resource = domains.managing("example.com").orElseThrow();
    receiver.accept(gzip(SampleReports.plain("quiet", "example.com", "sts", "2026-12-01T00:00:00Z",
        "2026-12-01T23:59:59Z")), GZIP, Channel.HTTPS, "");
    // Without failures there is nothing to label.
    assertThat(receiver.status(resource).getFailureLabels()).isEmpty();
    assertThat(asked).isEmpty();

    receiver.accept(gzip(SampleReports.hostedStyle("h", "example.com", 3)), GZIP, Channel.HTTPS, "");
    assertThat(events).singleElement().asString().contains("3 failed sessions under the tlsa policy")
        .endsWith("; reported during Switching of mx1.example.com");
    assertThat(asked).containsOnly("example-com 2026-12-03T00:00:00Z 2026-12-03T23:59:59Z");
    assertThat(receiver.status(resource).getFailureLabels())
        .containsExactly("reported during Switching of mx1.example.com");
    // The plain status (no resource) carries no labels.
    assertThat(receiver.status("example.com").getFailureLabels()).isEmpty();
  }

  /** A thousand reports in a row: each kept or refused as it should be, the store within its bound. */
  @Test
  void aThousandReportsInARow() throws Exception {
    long one = gzip(SampleReports.webMailStyle("n-0000", "example.com")).length;
    ReportReceiver small = receiver(200 * 400);
    for (int i = 0; i < 1000; i++) {
      String id = "n-%04d".formatted(i);
      byte[] body = switch (i % 4) {
        case 0 -> gzip(SampleReports.webMailStyle(id, "example.com"));
        case 1 -> gzip(SampleReports.rfcStyle(id, "example.com"));
        case 2 -> gzip(SampleReports.webMailStyle("n-%04d".formatted(i - 2), "example.com"));
        default -> gzip(SampleReports.webMailStyle(id, "elsewhere.example"));
      };
      Verdict expected = switch (i % 4) {
        case 0, 1 -> Verdict.ACCEPTED;
        case 2 -> Verdict.DUPLICATE;
        default -> Verdict.NOT_OURS;
      };
      assertThat(small.accept(body, GZIP, Channel.HTTPS, "mta-sts.example.com").verdict()).as(id)
          .isEqualTo(expected);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "accepted")).isEqualTo(500);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "duplicate")).isEqualTo(250);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "not_ours")).isEqualTo(250);
    long stored;
    try (Stream<Path> files = Files.list(dir.resolve("reports"))) {
      stored = files.mapToLong(f -> f.toFile().length()).sum();
    }
    assertThat(stored).isLessThanOrEqualTo(200 * 400).isGreaterThan(one);
    assertThat(Files.size(dir.resolve(ReportStore.INDEX))).isLessThan(200 * 1024);
  }

  /**
   * A replica that does not lead keeps nothing and tells the sender to try again, whichever
   * transport: only the leader's store counts, and the Service leads the retry there.
   */
  @Test
  void aReplicaThatDoesNotLeadAsksTheSenderToTryAgain() {
    java.util.concurrent.atomic.AtomicReference<Instant> since = new java.util.concurrent.atomic.AtomicReference<>();
    ReportReceiver follower = new ReportReceiver(domains, ReportLimits.DEFAULT,
        new ReportStore(dir, Duration.ofDays(90), 1 << 20, clock), Duration.ofDays(7), meters,
        (d, reason, message) -> events.add(reason), clock, () -> java.util.Optional.ofNullable(since.get()),
        ReportReceiver.SETTLING);
    for (Channel channel : Channel.values()) {
      Outcome outcome = follower.accept(gzip(SampleReports.rfcStyle("f-1", "example.com")), GZIP, channel,
          "example.com");
      assertThat(outcome.verdict()).isEqualTo(Verdict.UNAVAILABLE);
      assertThat(outcome.reason()).contains("does not lead").contains("try again");
    }
    assertThat(follower.summary("example.com").reports()).isZero();
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "unavailable", "channel", "https")).isEqualTo(1);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "unavailable", "channel", "mailto")).isEqualTo(1);

    // Once it leads, the same report is kept.
    since.set(clock.instant().minus(Duration.ofHours(1)));
    assertThat(follower.accept(gzip(SampleReports.rfcStyle("f-1", "example.com")), GZIP, Channel.MAILTO,
        "example.com").verdict()).isEqualTo(Verdict.ACCEPTED);
    assertThat(follower.summary("example.com").reports()).isEqualTo(1);
  }

  /**
   * A new leader knows its domains only as it reconciles them: for a while a report about a domain
   * it does not know is "try again", not a refusal for good; after that, not ours.
   */
  @Test
  void aNewLeaderDoesNotRefuseADomainItHasNotReconciledYet() {
    Instant start = clock.instant();
    ReportReceiver fresh = new ReportReceiver(domains, ReportLimits.DEFAULT,
        new ReportStore(dir, Duration.ofDays(90), 1 << 20, clock), Duration.ofDays(7), meters,
        (d, reason, message) -> events.add(reason), clock, () -> java.util.Optional.of(start),
        ReportReceiver.SETTLING);
    assertThat(fresh.accept(bytes(SampleReports.rfcStyle("n-1", "example.net")), JSON, Channel.HTTPS, "example.net")
        .verdict()).isEqualTo(Verdict.UNAVAILABLE);
    // A domain it knows already is kept at once.
    assertThat(fresh.accept(bytes(SampleReports.rfcStyle("n-2", "example.com")), JSON, Channel.HTTPS, "example.com")
        .verdict()).isEqualTo(Verdict.ACCEPTED);
    clock.advance(ReportReceiver.SETTLING);
    assertThat(fresh.accept(bytes(SampleReports.rfcStyle("n-1", "example.net")), JSON, Channel.HTTPS, "example.net")
        .verdict()).isEqualTo(Verdict.NOT_OURS);
  }

  /** A flood from one organisation about one domain is refused once over its quota, and counted as such. */
  @Test
  void aFloodBeyondTheQuotaIsRefusedAndCountedWhileOthersAreKept() {
    ReportReceiver quota = new ReportReceiver(domains, ReportLimits.DEFAULT,
        new ReportStore(dir, Duration.ofDays(90), 1 << 20, new ReportQuota(1 << 20, 10), clock), Duration.ofDays(7),
        meters, (d, reason, message) -> events.add(reason), clock);
    for (int i = 0; i < 1000; i++) {
      Outcome outcome = quota.accept(gzip(SampleReports.webMailStyle("flood-%04d".formatted(i), "example.com")), GZIP,
          Channel.HTTPS, "mta-sts.example.com");
      assertThat(outcome.verdict()).as("report " + i).isEqualTo(i < 10 ? Verdict.ACCEPTED : Verdict.OVER_QUOTA);
    }
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "accepted")).isEqualTo(10);
    assertThat(counter(ReportMetrics.REPORTS, "verdict", "over_quota", "channel", "https")).isEqualTo(990);
    assertThat(quota.accept(gzip(SampleReports.rfcStyle("other-org", "example.com")), GZIP, Channel.MAILTO,
        "example.com")).isEqualTo(Outcome.accepted());
    assertThat(quota.summary("example.com").reports()).isEqualTo(11);
  }

  private double counter(String name, String... tags) {
    return meters.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
