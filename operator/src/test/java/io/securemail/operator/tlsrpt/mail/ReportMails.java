package io.securemail.operator.tlsrpt.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * Report mail made by hand in the shapes senders use: the JSON of RFC 8460 section 4 (its
 * appendix example's fields), gzipped, base64 in a multipart/report (section 5.3) or multipart/mixed.
 */
final class ReportMails {

  private ReportMails() {}

  static String reportJson(String domain, String reportId) {
    return """
        {"organization-name":"Company-X","date-range":{"start-datetime":"2026-12-05T00:00:00Z",\
        "end-datetime":"2026-12-05T23:59:59Z"},"contact-info":"sts-reporting@company-x.example",\
        "report-id":"%2$s","policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1",\
        "mode: testing","mx: mx.%1$s","max_age: 86400"],"policy-domain":"%1$s","mx-host":["mx.%1$s"]},\
        "summary":{"total-successful-session-count":5326,"total-failure-session-count":303},\
        "failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"2001:db8:abcd:0012::1",\
        "receiving-mx-hostname":"mx.%1$s","failed-session-count":100}]}]}
        """.formatted(domain, reportId);
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Base64 in lines of 76 characters, as RFC 2045 section 6.8 asks. */
  static String base64(byte[] body) {
    return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
  }

  /** multipart/report; report-type="tlsrpt" with a human-readable part and the gzip report (RFC 8460 section 5.3). */
  static String multipartReport(String to, byte[] gzipReport) {
    return """
        From: tls-reporting@company-x.example\r
        To: %1$s\r
        Subject: Report Domain: example Submitter: company-x.example Report-ID: <r1@company-x.example>\r
        TLS-Report-Domain: example\r
        TLS-Report-Submitter: company-x.example\r
        Date: Sat, 06 Dec 2026 00:00:00 +0000\r
        Message-ID: <r1@company-x.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type="tlsrpt";\r
        \tboundary="----=_Part_42_boundary"\r
        \r
        This is a multi-part message in MIME format.\r
        ------=_Part_42_boundary\r
        Content-Type: text/plain; charset="us-ascii"\r
        Content-Transfer-Encoding: 7bit\r
        \r
        This is an aggregate TLS report from company-x.example\r
        .A line that starts with a dot.\r
        ------=_Part_42_boundary\r
        Content-Type: application/tlsrpt+gzip\r
        Content-Transfer-Encoding: base64\r
        Content-Disposition: attachment;\r
        \tfilename="company-x.example!example!1733443200!1733529599!r1.json.gz"\r
        \r
        %2$s\r
        ------=_Part_42_boundary--\r
        """.formatted(to, base64(gzipReport));
  }

  /** multipart/mixed with a text part and the report attached, as some large senders send it. */
  static String multipartMixed(String to, byte[] gzipReport) {
    return """
        From: noreply-smtp-tls-reporting@sender.example\r
        To: %1$s\r
        Subject: Report domain: example Submitter: sender.example Report-ID: <2026.12.05T00.00.00Z+example@sender.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="000000000000abcdef0123456789"\r
        \r
        --000000000000abcdef0123456789\r
        Content-Type: multipart/alternative; boundary="000000000000fedcba"\r
        \r
        --000000000000fedcba\r
        Content-Type: text/plain; charset="UTF-8"\r
        \r
        This is an aggregate TLS report.\r
        --000000000000fedcba--\r
        --000000000000abcdef0123456789\r
        Content-Type: application/tlsrpt+gzip;\r
        \tname="sender.example!example!20261205!20261205!001.json.gz"\r
        Content-Disposition: attachment;\r
        \tfilename="sender.example!example!20261205!20261205!001.json.gz"\r
        Content-Transfer-Encoding: base64\r
        \r
        %2$s\r
        --000000000000abcdef0123456789--\r
        """.formatted(to, base64(gzipReport));
  }

  static String plainMail(String to) {
    return """
        From: someone@sender.example\r
        To: %s\r
        Subject: hello\r
        \r
        No report here.\r
        """.formatted(to);
  }
}
