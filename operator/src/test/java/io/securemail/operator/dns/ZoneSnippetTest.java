package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneSnippetTest {

  private static final DnsRecord MX = new DnsRecord("example.com.", "MX", "10 mx1.example.com.", 300);
  private static final DnsRecord TXT =
      new DnsRecord("_smtp._tls.example.com.", "TXT", "\"v=TLSRPTv1; rua=mailto:a@example.com\"", 3600);

  @Test
  void everyRecordIsAZoneFileLineInOrder() {
    String snippet = ZoneSnippet.render("example.com", "mail/example", List.of(MX, TXT));

    List<String> records = snippet.lines().filter(l -> !l.startsWith(";")).toList();
    assertThat(records).containsExactly(
        "example.com. 300 IN MX 10 mx1.example.com.",
        "_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:a@example.com\"");
  }

  @Test
  void headerIsCommentLinesNamingDomainAndResource() {
    String snippet = ZoneSnippet.render("example.com", "mail/example", List.of(MX));

    List<String> lines = snippet.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.subList(0, 2)).allSatisfy(l -> assertThat(l).startsWith(";"));
    assertThat(lines.get(0)).contains("example.com").contains("mail/example");
    assertThat(snippet).endsWith("\n");
  }

  @Test
  void noRecordsGivesOnlyComments() {
    String snippet = ZoneSnippet.render("example.com", "mail/example", List.of());

    assertThat(snippet.lines()).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith(";"));
  }

  @Test
  void recordRendersItsOwnZoneLine() {
    assertThat(MX.toZoneLine()).isEqualTo("example.com. 300 IN MX 10 mx1.example.com.");
  }

  @Test
  void aCaaRecordIsALineAZoneFileReaderTakes() throws Exception {
    DnsRecord caa = new DnsRecord("mx1.example.com.", "CAA",
        "0 issue \"letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1; validationmethods=dns-01\"",
        300);
    String line = ZoneSnippet.render("example.com", "mail/example", List.of(caa)).lines()
        .filter(l -> !l.startsWith(";")).findFirst().orElseThrow();

    try (var master = new org.xbill.DNS.Master(new java.io.ByteArrayInputStream(
        line.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
      var record = (org.xbill.DNS.CAARecord) master.nextRecord();
      assertThat(record.getTag()).isEqualTo("issue");
      assertThat(record.getValue()).isEqualTo(
          "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1; validationmethods=dns-01");
      assertThat(DnsjavaRecords.fromRecord(record)).isEqualTo(caa);
    }
  }
}
