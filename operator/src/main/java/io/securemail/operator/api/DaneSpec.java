package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** DANE for SMTP (RFC 7672): TLSA records and the key rollover schedule. */
public class DaneSpec {

  @Default("true")
  @JsonPropertyDescription("Publish TLSA records (3 1 1, RFC 7672 section 3.1.1) for every MX host. "
      + "Needs a DNSSEC-signed zone.")
  private Boolean enabled = true;

  @Pattern(DnsNames.DURATION_OR_ZERO)
  @Default("2160h")
  @JsonPropertyDescription("How often the MX key is rolled over (Go duration, e.g. 2160h); 0 rolls over only on request.")
  private String rolloverEvery = "2160h";

  @Pattern(DnsNames.DURATION)
  @Default("48h")
  @JsonPropertyDescription("How long a next key's TLSA record is visible in DNS before the key is used "
      + "(at least twice the record TTL is always enforced as well).")
  private String prePublish = "48h";

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public String getRolloverEvery() { return rolloverEvery; }
  public void setRolloverEvery(String rolloverEvery) { this.rolloverEvery = rolloverEvery; }
  public String getPrePublish() { return prePublish; }
  public void setPrePublish(String prePublish) { this.prePublish = prePublish; }
}
