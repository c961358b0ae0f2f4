package io.securemail.operator.compliance.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TxtRecordsTest {

  @Test
  void stsRecordOfTheRfcExample() {
    // RFC 8461 section 3.1: "v=STSv1; id=20160831085700Z;"
    assertThat(StsTxtRecord.parse("v=STSv1; id=20160831085700Z;").value()).isEqualTo(new StsTxtRecord("20160831085700Z"));
    assertThat(StsTxtRecord.parse("v=STSv1;id=abc;ext=value").ok()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=STSv1|no id field",
      "v=STSv1; id=|is not name=value",
      "v=STSv1; id=2016-08-31|must be 1 to 32 letters and digits",
      "v=STSv1; id=123456789012345678901234567890123|must be 1 to 32 letters and digits",
      "v=STSv1; id=a; id=b|more than one id field",
      "id=abc; v=STSv1|must start with v=STSv1",
      "v=STSv1;; id=abc|empty field"})
  void invalidStsRecords(String text, String error) {
    assertThat(StsTxtRecord.parse(text).error()).contains(error);
  }

  @Test
  void onlyRecordsStartingWithTheVersionCount() {
    assertThat(StsTxtRecord.candidates(List.of("v=spf1 -all", "v=STSv1; id=1", "v=STSv10; id=2", "  v=STSv1 ; id=3")))
        .containsExactly("v=STSv1; id=1", "  v=STSv1 ; id=3");
    assertThat(TlsRptTxtRecord.candidates(List.of("v=TLSRPTv1;rua=mailto:a@example.com", "v=STSv1; id=1")))
        .containsExactly("v=TLSRPTv1;rua=mailto:a@example.com");
  }

  @Test
  void tlsRptRecordWithSeveralUris() {
    // RFC 8460 section 3: rua is a comma-separated list of mailto: and https: URIs.
    Parsed<TlsRptTxtRecord> parsed = TlsRptTxtRecord.parse(
        "v=TLSRPTv1; rua=mailto:reports@example.com, https://reporting.example.com/v1/tlsrpt");
    assertThat(parsed.ok()).as(parsed.error()).isTrue();
    assertThat(parsed.value().rua()).containsExactly("mailto:reports@example.com", "https://reporting.example.com/v1/tlsrpt");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=TLSRPTv1|no rua field",
      "v=TLSRPTv1; rua=reports@example.com|must be a mailto: or https: URI",
      "v=TLSRPTv1; rua=http://example.com/report|must be a mailto: or https: URI",
      "v=TLSRPTv1; rua=mailto:nobody|is not a mailto: URI with an address",
      "v=TLSRPTv1; rua=mailto:a@example.com,|rua has an empty entry",
      "v=TLSRPTv1; rua=https:///path|has no host",
      "rua=mailto:a@example.com; v=TLSRPTv1|must start with v=TLSRPTv1"})
  void invalidTlsRptRecords(String text, String error) {
    assertThat(TlsRptTxtRecord.parse(text).error()).contains(error);
  }
}
