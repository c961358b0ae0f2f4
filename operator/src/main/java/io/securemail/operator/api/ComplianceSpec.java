package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Continuous compliance checking of the domain from the outside. */
public class ComplianceSpec {

  /** Requirement sets the checks are judged by. */
  public enum Profile {
    /** What RFC 7672, 8461 and 8460 require. */
    @JsonProperty("rfc") RFC,
    /** BSI TR-03108: DNSSEC and DANE mandatory, TLS 1.2+, forward-secret AEAD, MTA-STS enforce. */
    @JsonProperty("bsi-tr-03108") BSI_TR_03108
  }

  @Default("rfc")
  @JsonPropertyDescription("The profile the checks are judged by: rfc or bsi-tr-03108.")
  private Profile profile = Profile.RFC;

  @Pattern(DnsNames.DURATION)
  @Default("5m")
  @JsonPropertyDescription("How often the domain is checked (Go duration, 1m to 24h).")
  private String interval = "5m";

  public Profile getProfile() { return profile; }
  public void setProfile(Profile profile) { this.profile = profile; }
  public String getInterval() { return interval; }
  public void setInterval(String interval) { this.interval = interval; }
}
