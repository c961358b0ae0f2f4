package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securemail.operator.tlsrpt.ReportIntake.Channel;
import io.securemail.operator.tlsrpt.ReportStore.Added;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportStoreTest {

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));

  private ReportStore open(Duration retention, long maxBytes) {
    return new ReportStore(dir, retention, maxBytes, clock);
  }

  private static Added add(ReportStore store, String json) throws Exception {
    return store.add(ReportParser.parse(bytes(json)), bytes(json), Channel.HTTPS);
  }

  @Test
  void aReportIdIsKeptOnceAcrossRestarts() throws Exception {
    ReportStore store = open(Duration.ofDays(90), 1 << 20);
    assertThat(add(store, SampleReports.rfcStyle("id-1", "example.com"))).isEqualTo(Added.NEW);
    assertThat(add(store, SampleReports.rfcStyle("id-1", "example.com"))).isEqualTo(Added.DUPLICATE);
    assertThat(add(store, SampleReports.webMailStyle("id-2", "example.com"))).isEqualTo(Added.NEW);

    ReportStore reopened = open(Duration.ofDays(90), 1 << 20);
    assertThat(reopened.entries()).extracting(StoredReport::reportId).containsExactly("id-1", "id-2");
    assertThat(add(reopened, SampleReports.rfcStyle("id-1", "example.com"))).isEqualTo(Added.DUPLICATE);
    assertThat(reportFiles()).hasSize(2);
    StoredReport first = reopened.entries().get(0);
    assertThat(first.receivedAt()).isEqualTo(clock.instant());
    assertThat(first.policies()).hasSize(2);
    assertThat(first.policies().get(0).failures()).containsEntry("certificate-expired", 100L)
        .containsEntry("starttls-not-supported", 200L).containsEntry("validation-failure", 3L);
    assertThat(first.policies().get(0).receivingMx()).contains("mx1.mail.example.com", "mx2.mail.example.com");
    assertThat(new String(Files.readAllBytes(dir.resolve("reports").resolve(first.file())), StandardCharsets.UTF_8))
        .isEqualTo(SampleReports.rfcStyle("id-1", "example.com"));
  }

  @Test
  void aReportWhoseIndexLineWasLostIsReadBackAndATornLineIgnored() throws Exception {
    ReportStore store = open(Duration.ofDays(90), 1 << 20);
    add(store, SampleReports.rfcStyle("id-1", "example.com"));
    add(store, SampleReports.webMailStyle("id-2", "example.com"));
    Path index = dir.resolve(ReportStore.INDEX);
    List<String> lines = Files.readAllLines(index);
    // A crash after the second report's file was renamed, while its index line was being written.
    Files.writeString(index, lines.get(0) + "\n" + lines.get(1).substring(0, 20));
    Files.writeString(dir.resolve("reports").resolve("leftover.json.tmp"), "{\"half");

    ReportStore reopened = open(Duration.ofDays(90), 1 << 20);
    assertThat(reopened.entries()).extracting(StoredReport::reportId).containsExactlyInAnyOrder("id-1", "id-2");
    assertThat(add(reopened, SampleReports.webMailStyle("id-2", "example.com"))).isEqualTo(Added.DUPLICATE);
    assertThat(reportFiles()).noneMatch(p -> p.toString().endsWith(".tmp"));
    assertThat(Files.readAllLines(index)).hasSize(2);
  }

  @Test
  void reportsOlderThanTheRetentionGo() throws Exception {
    ReportStore store = open(Duration.ofDays(90), 1 << 20);
    add(store, SampleReports.rfcStyle("old", "example.com"));
    clock.advance(Duration.ofDays(60));
    add(store, SampleReports.webMailStyle("newer", "example.com"));
    clock.advance(Duration.ofDays(31));
    add(store, SampleReports.webMailStyle("newest", "example.com"));
    assertThat(store.entries()).extracting(StoredReport::reportId).containsExactly("newer", "newest");
    assertThat(reportFiles()).hasSize(2);

    clock.advance(Duration.ofDays(60));
    ReportStore reopened = open(Duration.ofDays(90), 1 << 20);
    assertThat(reopened.entries()).extracting(StoredReport::reportId).containsExactly("newest");
    assertThat(reportFiles()).hasSize(1);
  }

  @Test
  void theOldestGoWhenTheStoreIsFull() throws Exception {
    long one = bytes(SampleReports.webMailStyle("id-00", "example.com")).length;
    ReportStore store = open(Duration.ofDays(90), one * 3);
    for (int i = 0; i < 5; i++) {
      add(store, SampleReports.webMailStyle("id-0" + i, "example.com"));
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(store.entries()).extracting(StoredReport::reportId).containsExactly("id-02", "id-03", "id-04");
    assertThat(store.totalBytes()).isLessThanOrEqualTo(one * 3);
    assertThat(reportFiles()).hasSize(3);
    assertThat(open(Duration.ofDays(90), one * 3).entries()).extracting(StoredReport::reportId)
        .containsExactly("id-02", "id-03", "id-04");
  }

  /**
   * A flood about one domain fills the store: the flooded domain loses its own oldest reports, and
   * the other domains keep all of theirs.
   */
  @Test
  void aFullStoreLetsTheFloodedDomainLoseItsOwnReportsFirst() throws Exception {
    long one = bytes(SampleReports.webMailStyle("f-000", "flooded.example")).length;
    ReportStore store = open(Duration.ofDays(90), one * 10);
    for (String domain : List.of("a.example", "b.example", "c.example")) {
      add(store, SampleReports.webMailStyle("early-" + domain, domain));
      clock.advance(Duration.ofMinutes(1));
    }
    for (int i = 0; i < 50; i++) {
      add(store, SampleReports.webMailStyle("f-%03d".formatted(i), "flooded.example"));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(store.entries()).extracting(StoredReport::reportId)
        .contains("early-a.example", "early-b.example", "early-c.example")
        .doesNotContain("f-000", "f-042").contains("f-049");
    assertThat(store.totalBytes()).isLessThanOrEqualTo(one * 10);
    long others = 0;
    for (String domain : List.of("a.example", "b.example", "c.example")) {
      others += bytes(SampleReports.webMailStyle("early-" + domain, domain)).length;
      assertThat(store.domainBytes(domain)).isEqualTo(bytes(SampleReports.webMailStyle("early-" + domain, domain)).length);
    }
    assertThat(store.domainBytes("flooded.example")).isEqualTo(store.totalBytes() - others);
  }

  /** Past its domain quota a report is refused with the reason, and kept reports stay as they were. */
  @Test
  void aReportBeyondItsDomainsQuotaIsRefused() throws Exception {
    long one = bytes(SampleReports.webMailStyle("q-00", "example.com")).length;
    ReportStore store = new ReportStore(dir, Duration.ofDays(90), 1 << 20, new ReportQuota(one * 3, 1000), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(add(store, SampleReports.webMailStyle("q-0" + i, "example.com"))).isEqualTo(Added.NEW);
    }
    assertThatThrownBy(() -> add(store, SampleReports.webMailStyle("q-03", "example.com")))
        .isInstanceOfSatisfying(ReportRefusal.class, r -> {
          assertThat(r.verdict()).isEqualTo(ReportIntake.Verdict.OVER_QUOTA);
          assertThat(r.getMessage()).contains("example.com").contains("quota of " + one * 3);
        });
    // Another domain is not held to example.com's quota; a duplicate is still a duplicate.
    assertThat(add(store, SampleReports.webMailStyle("q-04", "example.org"))).isEqualTo(Added.NEW);
    assertThat(add(store, SampleReports.webMailStyle("q-00", "example.com"))).isEqualTo(Added.DUPLICATE);
    assertThat(store.entries()).extracting(StoredReport::reportId).containsExactly("q-00", "q-01", "q-02", "q-04");
    assertThat(reportFiles()).hasSize(4);

    // Once the oldest leave the retention period there is room again, also after a restart.
    clock.advance(Duration.ofDays(91));
    ReportStore reopened = new ReportStore(dir, Duration.ofDays(90), 1 << 20, new ReportQuota(one * 3, 1000), clock);
    assertThat(add(reopened, SampleReports.webMailStyle("q-05", "example.com"))).isEqualTo(Added.NEW);
  }

  /** One organisation may have so many reports kept about one domain per day; others still get through. */
  @Test
  void anOrganisationBeyondItsDailyReportsIsRefusedAndOthersAreNot() throws Exception {
    ReportStore store = new ReportStore(dir, Duration.ofDays(90), 1 << 20, new ReportQuota(1 << 20, 3), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(add(store, SampleReports.webMailStyle("o-0" + i, "example.com"))).isEqualTo(Added.NEW);
      clock.advance(Duration.ofHours(1));
    }
    assertThatThrownBy(() -> add(store, SampleReports.webMailStyle("o-03", "example.com")))
        .isInstanceOfSatisfying(ReportRefusal.class, r -> {
          assertThat(r.verdict()).isEqualTo(ReportIntake.Verdict.OVER_QUOTA);
          assertThat(r.getMessage()).contains("'Big Mail Inc.' sent 3 reports about example.com in the last 24 hours");
        });
    // Another organisation about the same domain, and the same organisation about another domain.
    assertThat(add(store, SampleReports.rfcStyle("o-04", "example.com"))).isEqualTo(Added.NEW);
    assertThat(add(store, SampleReports.webMailStyle("o-05", "example.org"))).isEqualTo(Added.NEW);
    // A day after its first report, the organisation may send again.
    clock.advance(Duration.ofHours(22));
    assertThat(add(store, SampleReports.webMailStyle("o-06", "example.com"))).isEqualTo(Added.NEW);
  }

  @Test
  void aFileInTheStoreThatIsNoReportIsDropped() throws Exception {
    open(Duration.ofDays(90), 1 << 20);
    Files.writeString(dir.resolve("reports").resolve("stray.json"), "hello", StandardOpenOption.CREATE);
    assertThat(open(Duration.ofDays(90), 1 << 20).entries()).isEmpty();
    assertThat(reportFiles()).isEmpty();
  }

  private List<Path> reportFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("reports"))) {
      return files.toList();
    }
  }
}
