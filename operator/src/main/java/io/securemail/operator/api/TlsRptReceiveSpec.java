package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Reports the operator receives itself (RFC 8460 section 3), besides those sent to spec.tlsRpt.rua. */
public class TlsRptReceiveSpec {

  /** The path on the policy host where the operator receives reports over HTTPS. */
  public static final String HTTPS_PATH = "/tlsrpt";

  @JsonPropertyDescription("Receive reports over HTTPS at https://mta-sts.<domain>/tlsrpt, served by the "
      + "operator's policy server, and add that URI to the published rua. Needs spec.mtaSts.mode testing or "
      + "enforce (the policy host) and the chart's operator.tlsReports.https.enabled.")
  private Boolean https;

  public TlsRptReceiveSpec() {}

  public TlsRptReceiveSpec(Boolean https) {
    this.https = https;
  }

  public Boolean getHttps() { return https; }
  public void setHttps(Boolean https) { this.https = https; }

  /** The https: rua of the operator's receiver for a domain. */
  public static String httpsUri(String domain) {
    return "https://mta-sts." + domain + HTTPS_PATH;
  }
}
