package io.securemail.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The latest compliance verdict of the domain. */
public class ComplianceStatus {

  @JsonPropertyDescription("When any check result last changed (RFC 3339).")
  private String lastChanged;
  @JsonPropertyDescription("The profile the checks were judged by.")
  private String profile;
  @JsonPropertyDescription("One entry per check and subject.")
  private List<CheckResult> checks = new ArrayList<>();

  public String getLastChanged() { return lastChanged; }
  public void setLastChanged(String lastChanged) { this.lastChanged = lastChanged; }
  public String getProfile() { return profile; }
  public void setProfile(String profile) { this.profile = profile; }
  public List<CheckResult> getChecks() { return checks; }
  public void setChecks(List<CheckResult> checks) { this.checks = checks; }

  /** One check result. */
  public static class CheckResult {
    @JsonPropertyDescription("The check id, e.g. dane.match (a stable public interface).")
    private String id;
    @JsonPropertyDescription("What was checked: an MX host or a DNS name.")
    private String subject;
    @JsonPropertyDescription("pass, warn, fail or skip.")
    private String status;
    @JsonPropertyDescription("What was found, for a mail administrator.")
    private String message;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getSubject() { return subject; }
    public void setSubject(String subject) { this.subject = subject; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
  }
}
