package io.securemail.operator.evidence;

import java.time.Instant;
import java.util.List;

/**
 * A change of the domain's MX host list.
 *
 * @param firstSeen the first list the journal saw for the domain: no change of the operator's making
 */
public record MxEntry(Instant time, List<String> hosts, List<String> added, List<String> removed,
    boolean firstSeen) {

  /** "added mx2.example.org; removed mx0.example.org" */
  String summary() {
    StringBuilder text = new StringBuilder();
    if (!added.isEmpty()) {
      text.append("added ").append(String.join(", ", added));
    }
    if (!removed.isEmpty()) {
      text.append(text.isEmpty() ? "" : "; ").append("removed ").append(String.join(", ", removed));
    }
    return text.toString();
  }
}
