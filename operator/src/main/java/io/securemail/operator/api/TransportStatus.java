package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A domain's view of the MailTransport it is attached to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TransportStatus {

  @JsonPropertyDescription("The transport, as namespace/name.")
  private String name;

  @JsonPropertyDescription("Whether the transport accepted this domain (its spec.attach allows the namespace).")
  private Boolean attached;

  @JsonPropertyDescription("Whether the transport is Ready (its MX certificates, TLSA records and MTA).")
  private Boolean ready;

  @JsonPropertyDescription("The DANE rollover phase of the fleet's MX hosts, which this domain's mail depends on.")
  private String danePhase;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Boolean getAttached() { return attached; }
  public void setAttached(Boolean attached) { this.attached = attached; }
  public Boolean getReady() { return ready; }
  public void setReady(Boolean ready) { this.ready = ready; }
  public String getDanePhase() { return danePhase; }
  public void setDanePhase(String danePhase) { this.danePhase = danePhase; }
}
