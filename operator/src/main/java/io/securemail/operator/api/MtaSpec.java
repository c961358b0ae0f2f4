package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The TLS-enforcing MTA that serves the MX hosts. */
public class MtaSpec {

  /** TLS configurations the MTA can run with. */
  public enum TlsProfile {
    /** BSI TR-03108 with TR-02102-2: TLS 1.2+, forward-secret AEAD suites only. */
    @JsonProperty("bsi-tr-03108") BSI_TR_03108,
    /** Mozilla's intermediate configuration. */
    @JsonProperty("mozilla-intermediate") MOZILLA_INTERMEDIATE
  }

  @Min(1)
  @Max(20)
  @Default("2")
  @JsonPropertyDescription("Number of MTA replicas (1 to 20).")
  private Integer replicas = 2;

  @Default("bsi-tr-03108")
  @JsonPropertyDescription("TLS profile of the MTA: bsi-tr-03108 or mozilla-intermediate.")
  private TlsProfile tlsProfile = TlsProfile.BSI_TR_03108;

  @JsonPropertyDescription("Outbound security: what the MTA enforces when it sends mail.")
  private OutboundSpec outbound = new OutboundSpec();

  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public TlsProfile getTlsProfile() { return tlsProfile; }
  public void setTlsProfile(TlsProfile tlsProfile) { this.tlsProfile = tlsProfile; }
  public OutboundSpec getOutbound() { return outbound; }
  public void setOutbound(OutboundSpec outbound) { this.outbound = outbound; }

  /** What outbound delivery enforces. */
  public static class OutboundSpec {

    @Default("true")
    @JsonPropertyDescription("Enforce DANE (RFC 7672) towards destinations that publish usable TLSA records.")
    private Boolean dane = true;

    @Default("true")
    @JsonPropertyDescription("Enforce MTA-STS (RFC 8461) towards destinations with an enforce policy.")
    private Boolean mtaSts = true;

    public Boolean getDane() { return dane; }
    public void setDane(Boolean dane) { this.dane = dane; }
    public Boolean getMtaSts() { return mtaSts; }
    public void setMtaSts(Boolean mtaSts) { this.mtaSts = mtaSts; }
  }
}
