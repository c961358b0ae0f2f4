package io.securemail.operator.evidence;

import io.securemail.operator.compliance.Profile;
import java.time.Instant;
import java.util.List;

/**
 * Consecutive compliance runs of a domain with the same profile and the same verdict of every check,
 * as one entry.
 *
 * @param time the first of these runs
 * @param lastTime the last of them
 * @param runs how many there were
 * @param profile as {@code spec.compliance.profile} names it: {@code rfc} or {@code bsi-tr-03108}
 *     (a journal written before says {@code bsi}: read as {@code bsi-tr-03108}, so its open entry
 *     goes on after an upgrade)
 * @param checks as the last of the runs found them (messages may change between runs)
 */
public record ComplianceEntry(Instant time, Instant lastTime, long runs, String profile, boolean compliant,
    List<CheckEntry> checks) {

  public ComplianceEntry {
    profile = Profile.publicName(profile);
  }

  /** Whether a run with these results continues this entry rather than starting a new one. */
  boolean sameAs(String otherProfile, List<CheckEntry> otherChecks) {
    if (!profile.equals(otherProfile) || checks.size() != otherChecks.size()) {
      return false;
    }
    for (int i = 0; i < checks.size(); i++) {
      if (!checks.get(i).sameVerdict(otherChecks.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** This entry, continued by one more run. */
  ComplianceEntry withRun(Instant at, List<CheckEntry> latest) {
    return new ComplianceEntry(time, at, runs + 1, profile, compliant, latest);
  }
}
