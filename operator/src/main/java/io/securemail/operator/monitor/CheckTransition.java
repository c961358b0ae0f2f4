package io.securemail.operator.monitor;

import io.securemail.operator.api.ComplianceStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A check result that went from pass to fail or back, worth an event. */
public record CheckTransition(String id, String subject, String from, String to, String message) {

  public boolean failed() {
    return "fail".equals(to);
  }

  /** The pass-to-fail and fail-to-pass changes between two sets of results (warn and skip are neither). */
  public static List<CheckTransition> between(List<ComplianceStatus.CheckResult> before,
      List<ComplianceStatus.CheckResult> after) {
    Map<String, String> previous = new HashMap<>();
    before.forEach(r -> previous.put(r.getId() + " " + r.getSubject(), r.getStatus()));
    List<CheckTransition> transitions = new ArrayList<>();
    for (var r : after) {
      String was = previous.get(r.getId() + " " + r.getSubject());
      boolean toFail = "pass".equals(was) && "fail".equals(r.getStatus());
      boolean toPass = "fail".equals(was) && "pass".equals(r.getStatus());
      if (toFail || toPass) {
        transitions.add(new CheckTransition(r.getId(), r.getSubject(), was, r.getStatus(), r.getMessage()));
      }
    }
    return transitions;
  }
}
