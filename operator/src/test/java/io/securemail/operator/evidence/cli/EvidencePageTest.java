package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown and HTML documents: what a person reads, and that strangers' text stays text. */
class EvidencePageTest {

  private static final String HOSTILE = "<script>alert(\"owned\")</script> & Co | *bold* [link](http://evil.example)";

  @Test
  void markdownMapsEachAreaToItsShareOfRunsAndTime() throws Exception {
    String markdown = Format.markdown.render(SampleEvidence.export());
    assertThat(markdown).startsWith("# Secure mail transport evidence (BSI TR-03108): example.org\n");
    assertThat(markdown).contains("SecureMailDomain mail/example, from 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z. "
        + "History kept by securemail-operator 0.5.0");
    assertThat(markdown).contains("| Obligatory encryption with DANE | dane.tlsa, dane.match, dane.rollover "
        + "| 8634 of 8640 (99.9 %) | 99.9 % of 29 d 23 h | 2026-11-05T12:00:00Z | 2026-11-05T12:25:00Z "
        + "| DANE key rollovers, TLS reports |");
    assertThat(markdown).contains("| Transport encryption between MTAs | smtp.starttls, tls.version, tls.cipher "
        + "| 8640 of 8640 (100.0 %) | 100.0 % of 29 d 23 h | — | — | TLS reports |");
    assertThat(markdown).contains("| Detecting security incidents | none | — | — | — | — "
        + "| TLS reports, DANE key rollovers, MTA-STS policy changes, MX changes |");
    assertThat(markdown).contains("| 2026-11-05T12:00:00Z | 2026-11-05T12:25:00Z | 6 | bsi-tr-03108 | fail "
        + "| 1 fail, 2 pass; fail dane.match mx1.example.org\\[192.0.2.25\\]: TLSA 3 1 1 for "
        + "\\_25.\\_tcp.mx1.example.org does not match");
    assertThat(markdown).contains("### mx1.example.org\n");
    assertThat(markdown).contains("| 2026-11-05T12:00:00Z | Stable → Switching | " + "a".repeat(64) + " | "
        + "b".repeat(64) + " |");
    assertThat(markdown).contains("| 2026-11-05T12:30:00Z | Switching → Retiring | " + "b".repeat(64) + " | — |");
    assertThat(markdown).contains("| 2026-11-06T08:00:00Z | 20261106T080000 | enforce "
        + "| mx1.example.org, mx2.example.org | mx2.example.org added to the policy |");
    assertThat(markdown).contains("| sts | 1 | 120 | 3 | validation-failure 3 |");
    assertThat(markdown).contains("| 2026-11-06T10:00:00Z | Sender Inc. "
        + "| 2026-11-05T00:00:00Z\\_example.org@sender.example | 2026-11-05T00:00:00Z – 2026-11-05T23:59:59Z "
        + "| https | sts | 120 | 3 | validation-failure 3 "
        + "| reported during Switching of mx1.example.org |");
    assertThat(markdown).contains("In the period, senders sent 2 TLS reports with 5 failed sessions; 2 of them were "
        + "reported for a window in which the operator changed nothing.");
    assertThat(markdown).contains("2 of 5 failed sessions were reported for a window in which the operator changed "
        + "nothing");
  }

  @Test
  void markdownShowsMarkupFromAReportAsTextInsideItsCell() throws Exception {
    String markdown = Format.markdown.render(SampleEvidence.export());
    assertThat(markdown).contains("\\<script\\>alert(\"owned\")\\</script\\> \\& Co \\| \\*bold\\* \\[link\\]"
        + "(http://evil.example)");
    assertThat(markdown).as("every < is escaped").doesNotContainPattern("(?<!\\\\)<");
    String row = Arrays.stream(markdown.split("\n")).filter(line -> line.contains("alert")).findFirst().orElseThrow();
    // Ten columns: eleven pipes that are not escaped.
    assertThat(row.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(11);
  }

  @Test
  void markdownEscapingKeepsBlocksWhatTheyAre() {
    assertThat(MarkdownPage.escapeBlock("- not a list")).isEqualTo("\\- not a list");
    assertThat(MarkdownPage.escapeBlock("1. not a list")).isEqualTo("1\\. not a list");
    assertThat(MarkdownPage.escapeBlock("# not a heading")).isEqualTo("\\# not a heading");
    assertThat(MarkdownPage.escape("99.9 % in a cell")).isEqualTo("99.9 % in a cell");
    assertThat(MarkdownPage.escape("two\nlines")).isEqualTo("two lines");
    assertThat(MarkdownPage.escape("mx1.example.org 2026-11-05T12:00:00Z"))
        .isEqualTo("mx1.example.org 2026-11-05T12:00:00Z");
  }

  @Test
  void htmlIsOneSelfContainedFileWithEveryTextEscaped() throws Exception {
    String html = Format.html.render(SampleEvidence.export());
    assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"en\">").endsWith("</html>\n");
    assertThat(html).contains("<title>Secure mail transport evidence (BSI TR-03108): example.org</title>");
    assertThat(html).contains("<td>&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; Co | *bold* "
        + "[link](http://evil.example)</td>");
    assertThat(html.toLowerCase()).doesNotContain("<script").doesNotContain("<a ").doesNotContain("src=")
        .doesNotContain("href=").doesNotContain("<link").doesNotContain("url(").doesNotContain("@import");
    assertThat(html).contains("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    assertThat(html).contains("<tr><td>Obligatory encryption with DANE</td><td>dane.tlsa, dane.match, dane.rollover"
        + "</td><td>8634 of 8640 (99.9 %)</td>");
    assertThat(html).contains("<h3>mx2.example.org</h3>");
    assertThat(html).contains("<td>6</td><td>bsi-tr-03108</td><td class=\"fail\">fail</td>");
  }

  @Test
  void htmlEscapesTheFiveCharactersOfItsSyntax() {
    assertThat(HtmlPage.escape("<a href='x'>\"&\"</a>"))
        .isEqualTo("&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
    HtmlPage page = new HtmlPage("<title>");
    page.table(List.of("<th>"), List.of(List.of("</td><script>")));
    assertThat(page.text()).contains("<title>&lt;title&gt;</title>").contains("<th>&lt;th&gt;</th>")
        .contains("<td>&lt;/td&gt;&lt;script&gt;</td>");
  }

  @Test
  void anEmptyHistorySaysSoInEverySection() throws Exception {
    EvidenceDocument empty = EvidenceReader.read("{\"schemaVersion\": 1, \"domain\": \"example.net\"}");
    String markdown = Format.markdown.render(EvidenceMapping.map(empty, SampleEvidence.EXPORTED_AT,
        SampleEvidence.TOOL));
    assertThat(markdown).contains("from the start of the kept history to the time it was served");
    assertThat(markdown).contains("- Compliance: no run in the period.");
    assertThat(markdown).contains("No run of its checks (dane.tlsa, dane.match, dane.rollover) in the period.");
    assertThat(markdown.split("None in the period\\.", -1)).hasSize(5);
  }
}
