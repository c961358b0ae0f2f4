package io.securemail.operator.tlsrpt;

import static io.securemail.operator.tlsrpt.SampleReports.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securemail.operator.tlsrpt.ReportIntake.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportParserTest {

  @Test
  void aReportWithSeveralPoliciesIsRead() throws Exception {
    TlsReport report = ReportParser.parse(bytes(SampleReports.rfcStyle("2026-12-01T00:00:00Z_example.com",
        "example.com")));
    assertThat(report.organizationName()).isEqualTo("Company-X");
    assertThat(report.reportId()).isEqualTo("2026-12-01T00:00:00Z_example.com");
    assertThat(report.policies()).hasSize(2);
    assertThat(report.policies().get(0).policy().mxHost()).containsExactly("*.mail.example.com");
    assertThat(report.policies().get(0).failureDetails()).hasSize(3);
    // mx-host given as a single string is one host.
    assertThat(report.policies().get(1).policy().mxHost()).containsExactly("mx1.mail.example.com");
    assertThat(report.policies().get(1).summary().totalFailureSessionCount()).isEqualTo(2);
  }

  @Test
  void theLargeSendersShapesAreRead() throws Exception {
    TlsReport web = ReportParser.parse(bytes(SampleReports.webMailStyle("2026-12-02T00:00:00Z_example.com",
        "example.com")));
    assertThat(web.policies()).singleElement().satisfies(p -> {
      assertThat(p.policy().policyType()).isEqualTo("sts");
      assertThat(p.failureDetails()).isNull();
      assertThat(p.summary().totalSuccessfulSessionCount()).isEqualTo(87);
    });
    TlsReport hosted = ReportParser.parse(bytes(SampleReports.hostedStyle("134109", "example.com", 3)));
    assertThat(hosted.policies()).singleElement().satisfies(p -> {
      assertThat(p.policy().policyDomain()).isEqualTo("EXAMPLE.COM.");
      assertThat(p.failureDetails()).extracting(TlsReport.FailureDetail::resultType)
          .containsExactly("tlsa-invalid", "tls-handshake-timeout");
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "\"report-id\": \"r\",|\"report-id\": \"\",|report-id is missing",
      "\"organization-name\": \"Company-X\",||organization-name is missing",
      "\"policy-type\": \"sts\"|\"policy-type\": \"dane\"|policies[0].policy.policy-type is 'dane', not sts, tlsa",
      "\"policy-domain\": \"example.com\",||policies[0].policy.policy-domain is missing",
      "\"total-failure-session-count\": 303|\"total-failure-session-count\": -1|"
          + "policies[0].summary.total-failure-session-count is negative",
      "\"total-successful-session-count\": 5326,||"
          + "policies[0].summary.total-successful-session-count is missing",
      "\"result-type\": \"certificate-expired\",||policies[0].failure-details[0].result-type is missing",
      "\"start-datetime\": \"2026-12-01T00:00:00Z\"|\"start-datetime\": \"yesterday\"|"
          + "date-range.start-datetime 'yesterday' is not an RFC 3339 date-time",
      "\"end-datetime\": \"2026-12-01T23:59:59Z\"|\"end-datetime\": \"2026-11-30T23:59:59Z\"|"
          + "date-range ends before it starts",
  })
  void aReportOfAnotherShapeIsRefusedNamingTheField(String field, String replacement, String reason) {
    String report = SampleReports.rfcStyle("r", "example.com").replaceFirst(
        java.util.regex.Pattern.quote(field), replacement == null ? "" : replacement);
    assertThat(report).isNotEqualTo(SampleReports.rfcStyle("r", "example.com"));
    assertThatThrownBy(() -> ReportParser.parse(bytes(report))).isInstanceOf(ReportRefusal.class)
        .hasMessageContaining(reason)
        .extracting(e -> ((ReportRefusal) e).verdict()).isEqualTo(Verdict.MALFORMED);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|the body is empty",
      "[1, 2]|not a JSON report object",
      "{\"policies\": []}|organization-name is missing",
      "not json|not a JSON report object",
  })
  void notAReport(String body, String reason) {
    assertThatThrownBy(() -> ReportParser.parse(bytes(body))).isInstanceOf(ReportRefusal.class)
        .hasMessageContaining(reason);
  }

  @Test
  void noPoliciesIsNoReport() {
    String report = SampleReports.webMailStyle("r", "example.com").replaceFirst("\"policies\":\\[.*\\]}$",
        "\"policies\":[]}");
    assertThatThrownBy(() -> ReportParser.parse(bytes(report))).hasMessageContaining("policies is missing or empty");
  }
}
