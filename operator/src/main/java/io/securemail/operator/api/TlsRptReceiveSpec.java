package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Reports the operator receives itself (RFC 8460 section 3), instead of leaving them to whoever
 * reads the rua destinations: over HTTPS on the policy host, and the mail sent to the domain's own
 * {@code mailto:} addresses.
 */
public class TlsRptReceiveSpec {

  /** The path on the policy host where the operator receives reports over HTTPS. */
  public static final String HTTPS_PATH = "/tlsrpt";

  @JsonPropertyDescription("Receive reports over HTTPS at https://mta-sts.<domain>/tlsrpt, served by the "
      + "operator's policy server, and add that URI to the published rua. Needs spec.mtaSts.mode testing or "
      + "enforce (the policy host) and the chart's operator.tlsReports.https.enabled.")
  private Boolean https;

  @Default("false")
  @JsonPropertyDescription("Receive the reports mailed to the mailto: addresses of rua (RFC 8460 section 3): "
      + "the domain's MTA (spec.mta, required) hands mail for them to the operator's report receiver over LMTP "
      + "instead of the mail store. Every mailto: address of rua must then be an address of spec.domain.")
  private Boolean mail = false;

  @Default("false")
  @JsonPropertyDescription("With mail: also deliver each report mail to the mailbox as before (the address must "
      + "then exist at the mail store); the receiver gets a copy.")
  private Boolean keepInMailbox = false;

  public TlsRptReceiveSpec() {}

  public TlsRptReceiveSpec(Boolean https) {
    this.https = https;
  }

  public Boolean getHttps() { return https; }
  public void setHttps(Boolean https) { this.https = https; }
  public Boolean getMail() { return mail; }
  public void setMail(Boolean mail) { this.mail = mail; }
  public Boolean getKeepInMailbox() { return keepInMailbox; }
  public void setKeepInMailbox(Boolean keepInMailbox) { this.keepInMailbox = keepInMailbox; }

  /** The https: rua of the operator's receiver for a domain. */
  public static String httpsUri(String domain) {
    return "https://mta-sts." + domain + HTTPS_PATH;
  }
}
