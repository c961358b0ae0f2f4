package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * CAA records (RFC 8659) pinning issuance for the names the operator requests certificates for to
 * the CA the domain uses.
 */
public class CaaSpec {

  @Default("true")
  @JsonPropertyDescription("Publish CAA records at each MX host (and at the mta-sts host while the operator "
      + "publishes its addresses) allowing only the domain's CA: that of an ACME issuer the operator recognises "
      + "(with its account, RFC 8657), and those in issuers. Nothing is published while neither names a CA (e.g. a "
      + "CA issuer without issuers), nor through externalDNS. false publishes none.")
  private Boolean enabled = true;

  @Size(max = 8)
  @JsonPropertyDescription("CAA issue values allowed besides the ACME issuer's, each a CA's domain, optionally with "
      + "parameters, e.g. 'pki.example.net' or 'letsencrypt.org; validationmethods=dns-01' (RFC 8659 section 4.2). "
      + "Name the CA of a non-ACME issuer here.")
  private List<String> issuers = new ArrayList<>();

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public List<String> getIssuers() { return issuers; }
  public void setIssuers(List<String> issuers) { this.issuers = issuers; }
}
