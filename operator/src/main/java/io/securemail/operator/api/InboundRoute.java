package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A further mail domain the MTA receives mail for, and where that mail goes. */
public class InboundRoute {

  @Required
  @Pattern(DnsNames.HOST_NAME)
  @Size(max = DnsNames.MAX_NAME_LENGTH)
  @JsonPropertyDescription("The mail domain.")
  private String domain;

  @Required
  @Pattern(MtaSpec.InboundSpec.NEXT_HOP)
  @JsonPropertyDescription("Its next hop, in Postfix next-hop form.")
  private String deliverTo;

  @Default("encrypt")
  @JsonPropertyDescription("TLS towards deliverTo: encrypt (default) or may.")
  private MtaSpec.HopTls deliverToTls = MtaSpec.HopTls.ENCRYPT;

  public InboundRoute() {}

  public InboundRoute(String domain, String deliverTo, MtaSpec.HopTls deliverToTls) {
    this.domain = domain;
    this.deliverTo = deliverTo;
    this.deliverToTls = deliverToTls;
  }

  public String getDomain() { return domain; }
  public void setDomain(String domain) { this.domain = domain; }
  public String getDeliverTo() { return deliverTo; }
  public void setDeliverTo(String deliverTo) { this.deliverTo = deliverTo; }
  public MtaSpec.HopTls getDeliverToTls() { return deliverToTls; }
  public void setDeliverToTls(MtaSpec.HopTls deliverToTls) { this.deliverToTls = deliverToTls; }
}
