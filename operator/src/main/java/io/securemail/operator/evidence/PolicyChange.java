package io.securemail.operator.evidence;

import java.util.ArrayList;
import java.util.List;

/** What changed between two published MTA-STS policies, in words (RFC 8461 section 3.2 fields). */
final class PolicyChange {

  private PolicyChange() {}

  static String describe(MtaStsEntry before, String mode, List<String> mx) {
    if (before == null) {
      return "first policy seen: mode " + mode + ", mx " + String.join(", ", mx);
    }
    List<String> parts = new ArrayList<>();
    if (!java.util.Objects.equals(before.mode(), mode)) {
      parts.add("mode " + before.mode() + " to " + mode);
    }
    List<String> added = mx.stream().filter(m -> !before.mx().contains(m)).toList();
    List<String> removed = before.mx().stream().filter(m -> !mx.contains(m)).toList();
    if (!added.isEmpty()) {
      parts.add(String.join(", ", added) + " added to the policy");
    }
    if (!removed.isEmpty()) {
      parts.add(String.join(", ", removed) + " removed from the policy");
    }
    return parts.isEmpty() ? "new policy id, same mode and mx" : String.join("; ", parts);
  }
}
