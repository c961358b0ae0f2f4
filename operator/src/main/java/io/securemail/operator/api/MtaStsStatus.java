package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The MTA-STS policy as published, and the step that is still pending. "Published" means served
 * by the policy server (fetched over HTTPS and compared) and announced by the _mta-sts TXT record.
 */
public class MtaStsStatus {

  @JsonPropertyDescription("The id of the published policy, as in the _mta-sts TXT record.")
  private String policyId;
  @JsonPropertyDescription("The mode of the published policy.")
  private String mode;
  @JsonPropertyDescription("The mx patterns of the published policy.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<String> mx = new ArrayList<>();
  @JsonPropertyDescription("The max_age of the published policy, in seconds.")
  private Long maxAge;
  @JsonPropertyDescription("Whether the policy the spec asks for is the one the policy server serves.")
  private Boolean served;
  @JsonPropertyDescription("The id of the policy the spec asks for, while it is not yet served.")
  private String desiredPolicyId;
  @JsonPropertyDescription("MX patterns removed from the spec that stay in the policy until senders' cached "
      + "policies have expired (max_age after their removal).")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<RetiringMx> retiringMx = new ArrayList<>();
  @JsonPropertyDescription("When a 'none' policy (mode none) and its TXT record are removed (RFC 8461 section 8.3).")
  private String withdrawAt;
  @JsonPropertyDescription("The next step of a policy transition, in words.")
  private String nextStep;
  @JsonPropertyDescription("When the next step is due (RFC 3339); absent when it waits on an observation.")
  private String nextStepAt;

  /** An MX pattern on its way out of the policy. */
  public static class RetiringMx {
    @JsonPropertyDescription("The mx pattern.")
    private String pattern;
    @JsonPropertyDescription("When it leaves the policy (RFC 3339).")
    private String until;

    public RetiringMx() {}

    public RetiringMx(String pattern, String until) {
      this.pattern = pattern;
      this.until = until;
    }

    public String getPattern() { return pattern; }
    public void setPattern(String pattern) { this.pattern = pattern; }
    public String getUntil() { return until; }
    public void setUntil(String until) { this.until = until; }
  }

  public String getPolicyId() { return policyId; }
  public void setPolicyId(String policyId) { this.policyId = policyId; }
  public String getMode() { return mode; }
  public void setMode(String mode) { this.mode = mode; }
  public List<String> getMx() { return mx; }
  public void setMx(List<String> mx) { this.mx = mx; }
  public Long getMaxAge() { return maxAge; }
  public void setMaxAge(Long maxAge) { this.maxAge = maxAge; }
  public Boolean getServed() { return served; }
  public void setServed(Boolean served) { this.served = served; }
  public String getDesiredPolicyId() { return desiredPolicyId; }
  public void setDesiredPolicyId(String desiredPolicyId) { this.desiredPolicyId = desiredPolicyId; }
  public List<RetiringMx> getRetiringMx() { return retiringMx; }
  public void setRetiringMx(List<RetiringMx> retiringMx) { this.retiringMx = retiringMx; }
  public String getWithdrawAt() { return withdrawAt; }
  public void setWithdrawAt(String withdrawAt) { this.withdrawAt = withdrawAt; }
  public String getNextStep() { return nextStep; }
  public void setNextStep(String nextStep) { this.nextStep = nextStep; }
  public String getNextStepAt() { return nextStepAt; }
  public void setNextStepAt(String nextStepAt) { this.nextStepAt = nextStepAt; }
}
