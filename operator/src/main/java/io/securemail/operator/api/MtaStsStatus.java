package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The MTA-STS policy as served. */
public class MtaStsStatus {

  @JsonPropertyDescription("The policy id published in the _mta-sts TXT record.")
  private String policyId;
  @JsonPropertyDescription("The mode of the served policy.")
  private String mode;
  @JsonPropertyDescription("Whether the policy was observed being served over HTTPS.")
  private Boolean served;

  public String getPolicyId() { return policyId; }
  public void setPolicyId(String policyId) { this.policyId = policyId; }
  public String getMode() { return mode; }
  public void setMode(String mode) { this.mode = mode; }
  public Boolean getServed() { return served; }
  public void setServed(Boolean served) { this.served = served; }
}
