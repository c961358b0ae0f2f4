package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator did for the fleet and its attached domains, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MailTransportStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready (the fleet's own domain is Ready: MX certificates, TLSA records, MTA) "
      + "(metav1.Condition shape).")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The SecureMailDomain that carries the fleet's MX side (keys, TLSA, rollover, MTA), "
      + "as namespace/name.")
  private String fleetDomain;

  @JsonPropertyDescription("The fleet's DANE rollover state, as its own domain reports it.")
  @Nullable
  private DaneStatus dane;

  @JsonPropertyDescription("How many SecureMailDomains are attached (allowed and routed by the MTA).")
  private Integer attachedDomains;

  @JsonPropertyDescription("Attached domains that are not Ready, as namespace/name (at most 20).")
  private List<String> notReadyDomains = new ArrayList<>();

  @JsonPropertyDescription("SecureMailDomains that reference this transport from a namespace spec.attach does "
      + "not allow, as namespace/name (at most 20).")
  private List<String> refusedDomains = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
  public String getFleetDomain() { return fleetDomain; }
  public void setFleetDomain(String fleetDomain) { this.fleetDomain = fleetDomain; }
  public DaneStatus getDane() { return dane; }
  public void setDane(DaneStatus dane) { this.dane = dane; }
  public Integer getAttachedDomains() { return attachedDomains; }
  public void setAttachedDomains(Integer attachedDomains) { this.attachedDomains = attachedDomains; }
  public List<String> getNotReadyDomains() { return notReadyDomains; }
  public void setNotReadyDomains(List<String> notReadyDomains) { this.notReadyDomains = notReadyDomains; }
  public List<String> getRefusedDomains() { return refusedDomains; }
  public void setRefusedDomains(List<String> refusedDomains) { this.refusedDomains = refusedDomains; }
}
