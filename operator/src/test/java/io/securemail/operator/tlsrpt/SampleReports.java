package io.securemail.operator.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Reports written for the tests from the format of RFC 8460 section 4, in the shapes senders send:
 * the RFC's own layout with several policies and failure details, a large web mail provider's daily
 * report with one STS policy and no failures, and another's with a wildcard mx-host and a failure.
 */
final class SampleReports {

  private SampleReports() {}

  /** RFC 8460 section 4-like: an STS and a TLSA policy for {@code domain}, failures in both. */
  static String rfcStyle(String reportId, String domain) {
    return """
        {
          "organization-name": "Company-X",
          "date-range": {
            "start-datetime": "2026-12-01T00:00:00Z",
            "end-datetime": "2026-12-01T23:59:59Z"
          },
          "contact-info": "sts-reporting@company-x.example",
          "report-id": "%1$s",
          "policies": [{
            "policy": {
              "policy-type": "sts",
              "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.%2$s", "max_age: 86400"],
              "policy-domain": "%2$s",
              "mx-host": ["*.mail.%2$s"]
            },
            "summary": {
              "total-successful-session-count": 5326,
              "total-failure-session-count": 303
            },
            "failure-details": [{
              "result-type": "certificate-expired",
              "sending-mta-ip": "2001:db8:abcd:0012::1",
              "receiving-mx-hostname": "mx1.mail.%2$s",
              "failed-session-count": 100
            }, {
              "result-type": "starttls-not-supported",
              "sending-mta-ip": "2001:db8:abcd:0013::1",
              "receiving-mx-hostname": "mx2.mail.%2$s",
              "receiving-ip": "203.0.113.56",
              "failed-session-count": 200,
              "additional-information": "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"
            }, {
              "result-type": "validation-failure",
              "sending-mta-ip": "198.51.100.62",
              "receiving-ip": "203.0.113.58",
              "receiving-mx-hostname": "mx-backup.mail.%2$s",
              "failed-session-count": 3,
              "failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"
            }]
          }, {
            "policy": {
              "policy-type": "tlsa",
              "policy-string": ["3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"],
              "policy-domain": "%2$s",
              "mx-host": "mx1.mail.%2$s"
            },
            "summary": {
              "total-successful-session-count": 40,
              "total-failure-session-count": 2
            },
            "failure-details": [{
              "result-type": "dnssec-invalid",
              "sending-mta-ip": "198.51.100.7",
              "receiving-mx-hostname": "mx1.mail.%2$s",
              "failed-session-count": 2
            }]
          }]
        }
        """.formatted(reportId, domain);
  }

  /** A daily report as large web mail providers send it: one STS policy, all sessions successful. */
  static String webMailStyle(String reportId, String domain) {
    return "{\"organization-name\":\"Big Mail Inc.\",\"date-range\":{\"start-datetime\":\"2026-12-02T00:00:00Z\","
        + "\"end-datetime\":\"2026-12-02T23:59:59Z\"},\"contact-info\":\"smtp-tls-reporting@bigmail.example\","
        + "\"report-id\":\"" + reportId + "\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\","
        + "\"policy-string\":[\"version: STSv1\",\"mode: enforce\",\"mx: mx1." + domain + "\",\"max_age: 604800\"],"
        + "\"policy-domain\":\"" + domain + "\",\"mx-host\":[\"mx1." + domain + "\"]},"
        + "\"summary\":{\"total-successful-session-count\":87,\"total-failure-session-count\":0}}]}";
  }

  /**
   * A report as a large hosted mail service sends it: a report-id with the domain in it, a
   * wildcard mx-host, timestamps with offsets, and a failure of a type outside RFC 8460.
   */
  static String hostedStyle(String reportId, String domain, long failed) {
    return "{\"organization-name\":\"Hosted Mail Corporation\",\"date-range\":{"
        + "\"start-datetime\":\"2026-12-03T00:00:00+00:00\",\"end-datetime\":\"2026-12-03T23:59:59+00:00\"},"
        + "\"contact-info\":\"tlsrpt-noreply@hosted.example\",\"report-id\":\"" + reportId + "+" + domain + "\","
        + "\"policies\":[{\"policy\":{\"policy-type\":\"tlsa\",\"policy-domain\":\"" + domain.toUpperCase() + ".\","
        + "\"mx-host\":[\"*." + domain + "\"]},\"summary\":{\"total-successful-session-count\":12,"
        + "\"total-failure-session-count\":" + failed + "},\"failure-details\":[{\"result-type\":\"tlsa-invalid\","
        + "\"sending-mta-ip\":\"192.0.2.10\",\"receiving-ip\":\"198.51.100.25\",\"receiving-mx-hostname\":\"mx1."
        + domain + "\",\"failed-session-count\":" + failed + "}"
        + (failed > 1 ? ",{\"result-type\":\"tls-handshake-timeout\",\"sending-mta-ip\":\"192.0.2.11\","
            + "\"failed-session-count\":0}" : "")
        + "]}]}";
  }

  /** A report covering one policy without failures, dated at its {@code end} (for windows). */
  static String plain(String reportId, String domain, String type, String start, String end) {
    return "{\"organization-name\":\"Org\",\"date-range\":{\"start-datetime\":\"" + start + "\","
        + "\"end-datetime\":\"" + end + "\"},\"contact-info\":\"a@org.example\",\"report-id\":\"" + reportId + "\","
        + "\"policies\":[{\"policy\":{\"policy-type\":\"" + type + "\",\"policy-domain\":\"" + domain + "\"},"
        + "\"summary\":{\"total-successful-session-count\":10,\"total-failure-session-count\":0}}]}";
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(String json) {
    return gzip(bytes(json));
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
