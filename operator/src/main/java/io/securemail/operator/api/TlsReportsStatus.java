package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** What the TLS reports (RFC 8460) the operator received say about the domain, over a window. */
public class TlsReportsStatus {

  @JsonPropertyDescription("The period looked back over, e.g. 7d: a report counts when the period it covers "
      + "ends inside it.")
  private String window;
  @JsonPropertyDescription("Reports about the domain in the window.")
  private Integer reports;
  @JsonPropertyDescription("When the newest kept report about the domain arrived (RFC 3339).")
  private String lastReceived;
  @JsonPropertyDescription("Sessions per policy type (sts, tlsa, no-policy-found) in the window.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<PolicyType> policies = new ArrayList<>();
  @JsonPropertyDescription("The operator's own changes that overlap the periods of reports in the window naming "
      + "failed sessions, e.g. 'reported during Switching of mx1.example.org' (at most 3; the evidence document "
      + "lists every report's).")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<String> failureLabels = new ArrayList<>();

  /** The sessions under one policy type. */
  public static class PolicyType {
    @JsonPropertyDescription("sts, tlsa or no-policy-found (RFC 8460 section 4.2).")
    private String policyType;
    @JsonPropertyDescription("Successful sessions.")
    private Long successfulSessions;
    @JsonPropertyDescription("Failed sessions.")
    private Long failedSessions;
    @JsonPropertyDescription("The most frequent failure result types (RFC 8460 section 4.3), most sessions "
        + "first, as TYPE: SESSIONS.")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<String> topFailures = new ArrayList<>();

    public PolicyType() {}

    public PolicyType(String policyType, Long successfulSessions, Long failedSessions, List<String> topFailures) {
      this.policyType = policyType;
      this.successfulSessions = successfulSessions;
      this.failedSessions = failedSessions;
      this.topFailures = topFailures;
    }

    public String getPolicyType() { return policyType; }
    public void setPolicyType(String policyType) { this.policyType = policyType; }
    public Long getSuccessfulSessions() { return successfulSessions; }
    public void setSuccessfulSessions(Long successfulSessions) { this.successfulSessions = successfulSessions; }
    public Long getFailedSessions() { return failedSessions; }
    public void setFailedSessions(Long failedSessions) { this.failedSessions = failedSessions; }
    public List<String> getTopFailures() { return topFailures; }
    public void setTopFailures(List<String> topFailures) { this.topFailures = topFailures; }
  }

  public String getWindow() { return window; }
  public void setWindow(String window) { this.window = window; }
  public Integer getReports() { return reports; }
  public void setReports(Integer reports) { this.reports = reports; }
  public String getLastReceived() { return lastReceived; }
  public void setLastReceived(String lastReceived) { this.lastReceived = lastReceived; }
  public List<PolicyType> getPolicies() { return policies; }
  public void setPolicies(List<PolicyType> policies) { this.policies = policies; }
  public List<String> getFailureLabels() { return failureLabels; }
  public void setFailureLabels(List<String> failureLabels) { this.failureLabels = failureLabels; }
}
