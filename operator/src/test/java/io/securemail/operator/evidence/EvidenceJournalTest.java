package io.securemail.operator.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.MxHost;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceJournalTest {

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir
  Path dir;

  private final Moving clock = new Moving(T0);
  private EvidenceJournal journal;

  @org.junit.jupiter.api.BeforeEach
  void open() {
    journal = journal(JournalBounds.DEFAULT_MAX_ENTRIES, JournalBounds.DEFAULT_MAX_AGE);
  }

  private EvidenceJournal journal(int maxEntries, Duration maxAge) {
    return new EvidenceJournal(dir, new JournalBounds(maxEntries, maxAge), clock);
  }

  @Test
  void identicalComplianceRunsCollapseIntoOneEntryAndAChangedVerdictStartsAnother() {
    SecureMailDomain domain = domain("mx1.example.org");
    run(domain, compliance("pass", "dane.match: 40 days left"));
    clock.advance(Duration.ofMinutes(5));
    // Only the message changed: the same verdict.
    run(domain, compliance("pass", "dane.match: 39 days left"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("pass", "dane.match: 38 days left"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("fail", "dane.match: no TLSA matches"));
    // A reconcile without a completed run adds nothing.
    journal.record(domain, next(domain, null), false);

    List<ComplianceEntry> entries = journal.history("mail", "example").orElseThrow().compliance();
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0)).extracting(ComplianceEntry::time, ComplianceEntry::lastTime, ComplianceEntry::runs,
        ComplianceEntry::profile, ComplianceEntry::compliant)
        .containsExactly(T0, T0.plus(Duration.ofMinutes(10)), 3L, "bsi-tr-03108", true);
    assertThat(entries.get(0).checks()).singleElement().extracting(CheckEntry::message)
        .isEqualTo("dane.match: 38 days left");
    assertThat(entries.get(1)).extracting(ComplianceEntry::time, ComplianceEntry::runs, ComplianceEntry::compliant)
        .containsExactly(T0.plus(Duration.ofMinutes(15)), 1L, false);
  }

  @Test
  void theHistoryReadsBackAfterARestartIncludingRunsCountedSinceTheLastRewrite() throws Exception {
    SecureMailDomain domain = domain("mx1.example.org");
    run(domain, compliance("pass", "ok"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("pass", "ok"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("pass", "ok"));

    // A crash in the middle of a write leaves the temporary file beside the whole old one.
    Path history = dir.resolve(EvidenceJournal.key("mail", "example") + EvidenceJournal.HISTORY);
    Files.writeString(history.resolveSibling(history.getFileName() + EvidenceJournal.TEMPORARY), "{\"namesp",
        StandardCharsets.UTF_8);

    EvidenceJournal restarted = journal(JournalBounds.DEFAULT_MAX_ENTRIES, JournalBounds.DEFAULT_MAX_AGE);
    DomainHistory read = restarted.history("mail", "example").orElseThrow();
    assertThat(read.domain()).isEqualTo("example.org");
    assertThat(read.compliance()).singleElement().extracting(ComplianceEntry::runs, ComplianceEntry::lastTime)
        .containsExactly(3L, T0.plus(Duration.ofMinutes(10)));
    assertThat(read.mx()).singleElement().extracting(MxEntry::hosts).isEqualTo(List.of("mx1.example.org"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    // The restarted journal goes on counting the same entry.
    clock.advance(Duration.ofMinutes(5));
    restarted.record(domain, next(domain, compliance("pass", "ok")), true);
    assertThat(restarted.history("mail", "example").orElseThrow().compliance()).singleElement()
        .extracting(ComplianceEntry::runs).isEqualTo(4L);
  }

  @Test
  void aJournalThatNamedTheProfileBsiGoesOnWithTheSameEntryAfterAnUpgrade() throws Exception {
    SecureMailDomain domain = domain("mx1.example.org");
    run(domain, compliance("pass", "ok"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("pass", "ok"));
    // The files as an operator before the profile's public name wrote them.
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.writeString(file, Files.readString(file).replace("\"bsi-tr-03108\"", "\"bsi\""));
      }
    }

    EvidenceJournal upgraded = journal(JournalBounds.DEFAULT_MAX_ENTRIES, JournalBounds.DEFAULT_MAX_AGE);
    clock.advance(Duration.ofMinutes(5));
    upgraded.record(domain, next(domain, compliance("pass", "ok")), true);
    assertThat(upgraded.history("mail", "example").orElseThrow().compliance()).singleElement()
        .extracting(ComplianceEntry::runs, ComplianceEntry::profile).containsExactly(3L, "bsi-tr-03108");
  }

  @Test
  void rolloverPhaseChangesAreRecordedPerMxHostWithTheKeys() {
    SecureMailDomain domain = domain("mx1.example.org", "mx2.example.org");
    journal.record(domain, next(domain, null, dane("Stable", "aa", "bb")), false);
    domain.setStatus(next(domain, null, dane("Stable", "aa", "bb")));
    clock.advance(Duration.ofHours(1));
    journal.record(domain, next(domain, null, dane("Switching", "aa", "bb")), false);
    clock.advance(Duration.ofHours(1));
    // No change: nothing recorded.
    journal.record(domain, next(domain, null, dane("Switching", "aa", "bb")), false);

    List<RolloverEntry> rollovers = journal.history("mail", "example").orElseThrow().rollovers();
    assertThat(rollovers).extracting(RolloverEntry::host, RolloverEntry::from, RolloverEntry::to,
        RolloverEntry::servedKey, RolloverEntry::nextKey).containsExactly(
        org.assertj.core.groups.Tuple.tuple("mx1.example.org", null, "Stable", "aa", "bb"),
        org.assertj.core.groups.Tuple.tuple("mx2.example.org", null, "Stable", "aa", "bb"),
        org.assertj.core.groups.Tuple.tuple("mx1.example.org", "Stable", "Switching", "aa", "bb"),
        org.assertj.core.groups.Tuple.tuple("mx2.example.org", "Stable", "Switching", "aa", "bb"));
    assertThat(rollovers.get(2).time()).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void eachKindIsBoundedByCountAndByAge() {
    journal = journal(3, Duration.ofDays(30));
    SecureMailDomain domain = domain("mx0.example.org");
    journal.record(domain, next(domain, null), false);
    for (int i = 1; i <= 5; i++) {
      clock.advance(Duration.ofHours(1));
      domain.getSpec().getMx().get(0).setHost("mx" + i + ".example.org");
      journal.record(domain, next(domain, null), false);
      clock.advance(Duration.ofMinutes(1));
      run(domain, compliance(i % 2 == 0 ? "pass" : "fail", "run " + i));
    }
    DomainHistory history = journal.history("mail", "example").orElseThrow();
    assertThat(history.mx()).extracting(e -> e.hosts().get(0))
        .containsExactly("mx3.example.org", "mx4.example.org", "mx5.example.org");
    assertThat(history.compliance()).hasSize(3);
    // The file holds no more than memory does.
    assertThat(journal(3, Duration.ofDays(30)).history("mail", "example").orElseThrow().mx()).hasSize(3);

    // 31 days on, one more change: everything older than 30 days goes.
    clock.advance(Duration.ofDays(31));
    domain.getSpec().getMx().get(0).setHost("mx6.example.org");
    journal.record(domain, next(domain, null), false);
    DomainHistory aged = journal(3, Duration.ofDays(30)).history("mail", "example").orElseThrow();
    assertThat(aged.mx()).extracting(e -> e.hosts().get(0)).containsExactly("mx6.example.org");
    assertThat(aged.compliance()).isEmpty();
  }

  @Test
  void aDeletedDomainsHistoryIsGoneFromMemoryAndDisk() throws Exception {
    SecureMailDomain domain = domain("mx1.example.org");
    run(domain, compliance("pass", "ok"));
    clock.advance(Duration.ofMinutes(5));
    run(domain, compliance("pass", "ok"));
    SecureMailDomain other = domain("mx1.example.org");
    other.getMetadata().setName("other");
    run(other, compliance("pass", "ok"));

    journal.delete("mail", "example");
    assertThat(journal.history("mail", "example")).isEmpty();
    assertThat(journal(50, Duration.ofDays(400)).history("mail", "example")).isEmpty();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactly(EvidenceJournal.key("mail", "other") + EvidenceJournal.HISTORY);
    }
  }

  /** A resource deleted without its cleanup (its finalizer removed by hand) loses its history at the sweep. */
  @Test
  void theSweepDeletesTheHistoriesOfResourcesThatNoLongerExist() {
    SecureMailDomain domain = domain("mx1.example.org");
    run(domain, compliance("pass", "ok"));
    SecureMailDomain other = domain("mx1.example.org");
    other.getMetadata().setName("other");
    run(other, compliance("pass", "ok"));

    EvidenceJournal restarted = journal(50, Duration.ofDays(400));
    assertThat(restarted.sweep((namespace, name) -> "example".equals(name))).isEqualTo(1);
    assertThat(restarted.history("mail", "other")).isEmpty();
    assertThat(restarted.history("mail", "example")).isPresent();
  }

  @Test
  void mtaStsPolicyChangesAreRecordedWithWhatChanged() {
    SecureMailDomain domain = domain("mx1.example.org");
    journal.record(domain, next(domain, null, null, policy("20261101T000000", "testing", "mx1.example.org")), false);
    clock.advance(Duration.ofDays(1));
    journal.record(domain, next(domain, null, null, policy("20261102T000000", "enforce", "mx1.example.org",
        "mx2.example.org")), false);
    journal.record(domain, next(domain, null, null, policy("20261102T000000", "enforce", "mx1.example.org",
        "mx2.example.org")), false);
    assertThat(journal.history("mail", "example").orElseThrow().mtaSts())
        .extracting(MtaStsEntry::policyId, MtaStsEntry::change, MtaStsEntry::firstSeen).containsExactly(
            org.assertj.core.groups.Tuple.tuple("20261101T000000", "first policy seen: mode testing, mx mx1.example.org",
                true),
            org.assertj.core.groups.Tuple.tuple("20261102T000000",
                "mode testing to enforce; mx2.example.org added to the policy", false));
  }

  /**
   * A report window overlapping a rollover phase other than Stable (from its start to the host's
   * next phase), an MTA-STS change or an MX change is labelled with it; first sightings are not
   * changes of the operator's making and label nothing.
   */
  @Test
  void reportWindowsAreLabelledWithTheChangesTheyOverlap() {
    SecureMailDomain domain = domain("mx1.example.org");
    journal.record(domain, next(domain, null, dane("Stable", "aa", "bb"), policy("p1", "enforce",
        "mx1.example.org")), false);
    domain.setStatus(next(domain, null, dane("Stable", "aa", "bb")));
    clock.set(Instant.parse("2026-11-05T12:00:00Z"));
    journal.record(domain, next(domain, null, dane("Switching", "aa", "bb")), false);
    clock.set(Instant.parse("2026-11-06T06:00:00Z"));
    journal.record(domain, next(domain, null, dane("Retiring", "bb", null)), false);
    clock.set(Instant.parse("2026-11-06T07:00:00Z"));
    journal.record(domain, next(domain, null, dane("Stable", "bb", "cc")), false);
    clock.set(Instant.parse("2026-11-08T08:00:00Z"));
    domain.getSpec().getMx().add(mx("mx2.example.org"));
    journal.record(domain, next(domain, null, dane("Stable", "bb", "cc"), policy("p2", "enforce", "mx1.example.org",
        "mx2.example.org")), false);

    assertThat(labels(domain, "2026-11-01T00:00:00Z", "2026-11-01T23:59:59Z")).isEmpty();
    assertThat(labels(domain, "2026-11-04T00:00:00Z", "2026-11-05T11:59:59Z")).isEmpty();
    assertThat(labels(domain, "2026-11-05T00:00:00Z", "2026-11-05T23:59:59Z"))
        .containsExactly("reported during Switching of mx1.example.org");
    assertThat(labels(domain, "2026-11-06T00:00:00Z", "2026-11-06T23:59:59Z"))
        .containsExactly("reported during Switching of mx1.example.org", "reported during Retiring of mx1.example.org");
    assertThat(labels(domain, "2026-11-07T00:00:00Z", "2026-11-07T23:59:59Z")).isEmpty();
    assertThat(labels(domain, "2026-11-08T00:00:00Z", "2026-11-08T23:59:59Z")).containsExactly(
        "reported during the MTA-STS policy change to p2", "reported during the MX change (added mx2.example.org)");

    // A phase still going on overlaps every later window.
    clock.set(Instant.parse("2026-11-10T00:00:00Z"));
    journal.record(domain, next(domain, null, dane("Switching", "bb", "cc")), false);
    assertThat(labels(domain, "2026-11-20T00:00:00Z", "2026-11-20T23:59:59Z")).containsExactly(
        "reported during Switching of mx1.example.org", "reported during Switching of mx2.example.org");

    // A host leaving the MX list ends its phase.
    clock.set(Instant.parse("2026-11-21T00:00:00Z"));
    domain.getSpec().getMx().remove(1);
    journal.record(domain, next(domain, null, dane("Switching", "bb", "cc")), false);
    assertThat(labels(domain, "2026-11-22T00:00:00Z", "2026-11-22T23:59:59Z"))
        .containsExactly("reported during Switching of mx1.example.org");
  }

  private List<String> labels(SecureMailDomain domain, String start, String end) {
    return journal.during(domain, Instant.parse(start), Instant.parse(end));
  }

  private void run(SecureMailDomain domain, ComplianceStatus compliance) {
    journal.record(domain, next(domain, compliance), true);
  }

  static SecureMailDomain domain(String... hosts) {
    SecureMailDomain resource = new SecureMailDomain();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace("mail").withName("example").withUid("u-1").build());
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.org");
    for (String host : hosts) {
      spec.getMx().add(mx(host));
    }
    resource.setSpec(spec);
    return resource;
  }

  private static MxHost mx(String host) {
    MxHost mx = new MxHost();
    mx.setHost(host);
    return mx;
  }

  static SecureMailDomainStatus next(SecureMailDomain domain, ComplianceStatus compliance) {
    return next(domain, compliance, null, null);
  }

  static SecureMailDomainStatus next(SecureMailDomain domain, ComplianceStatus compliance, DaneStatus dane) {
    return next(domain, compliance, dane, null);
  }

  static SecureMailDomainStatus next(SecureMailDomain domain, ComplianceStatus compliance, DaneStatus dane,
      MtaStsStatus sts) {
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setCompliance(compliance);
    status.setDane(dane);
    status.setMtaSts(sts);
    return status;
  }

  static ComplianceStatus compliance(String status, String message) {
    ComplianceStatus compliance = new ComplianceStatus();
    compliance.setProfile("bsi-tr-03108");
    ComplianceStatus.CheckResult check = new ComplianceStatus.CheckResult();
    check.setId("dane.match");
    check.setSubject("mx1.example.org");
    check.setStatus(status);
    check.setMessage(message);
    compliance.setChecks(List.of(check));
    return compliance;
  }

  static DaneStatus dane(String phase, String served, String next) {
    DaneStatus dane = new DaneStatus();
    dane.setPhase(phase);
    dane.setCurrentSpkiSha256(served);
    dane.setNextSpkiSha256(next);
    return dane;
  }

  static MtaStsStatus policy(String id, String mode, String... mx) {
    MtaStsStatus sts = new MtaStsStatus();
    sts.setPolicyId(id);
    sts.setMode(mode);
    sts.setMx(List.of(mx));
    return sts;
  }

  /** A clock a test moves. */
  static final class Moving extends Clock {
    private Instant now;

    Moving(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    void set(Instant at) {
      now = at;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
