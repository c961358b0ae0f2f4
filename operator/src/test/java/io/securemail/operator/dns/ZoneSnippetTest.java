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
}
