package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * Which of the domain's own {@code rua} destinations the operator receives reports at (RFC 8460
 * section 3), instead of leaving them to whoever reads the address.
 */
public class TlsRptReceiveSpec {

  @Default("false")
  @JsonPropertyDescription("Receive the reports mailed to the mailto: addresses of rua (RFC 8460 section 3): "
      + "the domain's MTA (spec.mta, required) hands mail for them to the operator's report receiver over LMTP "
      + "instead of the mail store. Every mailto: address of rua must then be an address of spec.domain.")
  private Boolean mail = false;

  @Default("false")
  @JsonPropertyDescription("With mail: also deliver each report mail to the mailbox as before (the address must "
      + "then exist at the mail store); the receiver gets a copy.")
  private Boolean keepInMailbox = false;

  public Boolean getMail() { return mail; }
  public void setMail(Boolean mail) { this.mail = mail; }
  public Boolean getKeepInMailbox() { return keepInMailbox; }
  public void setKeepInMailbox(Boolean keepInMailbox) { this.keepInMailbox = keepInMailbox; }
}
