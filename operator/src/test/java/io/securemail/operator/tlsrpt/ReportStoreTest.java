package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;

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
