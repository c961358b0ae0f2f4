package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Where and how the domain's DNS records are published. */
public class DnsSpec {

  /** DNS publishing back ends. */
  public enum Provider {
    /** Dynamic updates (RFC 2136) signed with TSIG (RFC 8945), sent to an authoritative server. */
    @JsonProperty("rfc2136") RFC2136,
    /** external-dns DNSEndpoint objects, published by an external-dns installation. */
    @JsonProperty("externalDNS") EXTERNAL_DNS,
    /** Nothing is sent: the records are listed for a human or a GitOps repository to publish. */
    @JsonProperty("manual") MANUAL
  }

  @Default("manual")
  @JsonPropertyDescription("rfc2136 (TSIG-signed dynamic updates), externalDNS (DNSEndpoint objects) or "
      + "manual (records listed in status and in a ConfigMap holding a zone-file snippet).")
  private Provider provider = Provider.MANUAL;

  @Min(30)
  @Max(86400)
  @Default("300")
  @JsonPropertyDescription("TTL in seconds of the records the operator publishes (30 to 86400).")
  private Integer ttl = 300;

  @Default("false")
  @JsonPropertyDescription("Also publish the domain's MX record set from spec.mx. Off by default: many "
      + "domains keep their MX records elsewhere.")
  private Boolean manageMx = false;

  @JsonPropertyDescription("Settings of the rfc2136 provider; required when provider is rfc2136.")
  private Rfc2136Spec rfc2136;

  public Provider getProvider() { return provider; }
  public void setProvider(Provider provider) { this.provider = provider; }
  public Integer getTtl() { return ttl; }
  public void setTtl(Integer ttl) { this.ttl = ttl; }
  public Boolean getManageMx() { return manageMx; }
  public void setManageMx(Boolean manageMx) { this.manageMx = manageMx; }
  public Rfc2136Spec getRfc2136() { return rfc2136; }
  public void setRfc2136(Rfc2136Spec rfc2136) { this.rfc2136 = rfc2136; }
}
