package io.securemail.operator.evidence;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the journal keeps of one SecureMailDomain, each list oldest first: the content of its file.
 *
 * @param domain spec.domain as last recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DomainHistory(String namespace, String name, String domain, List<ComplianceEntry> compliance,
    List<RolloverEntry> rollovers, List<MtaStsEntry> mtaSts, List<MxEntry> mx) {

  public DomainHistory {
    compliance = compliance == null ? List.of() : List.copyOf(compliance);
    rollovers = rollovers == null ? List.of() : List.copyOf(rollovers);
    mtaSts = mtaSts == null ? List.of() : List.copyOf(mtaSts);
    mx = mx == null ? List.of() : List.copyOf(mx);
  }

  static DomainHistory empty(String namespace, String name, String domain) {
    return new DomainHistory(namespace, name, domain, List.of(), List.of(), List.of(), List.of());
  }

  /** Each list within the bounds. */
  DomainHistory bounded(JournalBounds bounds, Instant now) {
    return new DomainHistory(namespace, name, domain, bounds.keep(compliance, ComplianceEntry::lastTime, now),
        bounds.keep(rollovers, RolloverEntry::time, now), bounds.keep(mtaSts, MtaStsEntry::time, now),
        bounds.keep(mx, MxEntry::time, now));
  }

  DomainHistory withDomain(String newDomain) {
    return new DomainHistory(namespace, name, newDomain, compliance, rollovers, mtaSts, mx);
  }

  DomainHistory withCompliance(List<ComplianceEntry> entries) {
    return new DomainHistory(namespace, name, domain, entries, rollovers, mtaSts, mx);
  }

  DomainHistory plusRollover(RolloverEntry entry) {
    return new DomainHistory(namespace, name, domain, compliance, plus(rollovers, entry), mtaSts, mx);
  }

  DomainHistory plusMtaSts(MtaStsEntry entry) {
    return new DomainHistory(namespace, name, domain, compliance, rollovers, plus(mtaSts, entry), mx);
  }

  DomainHistory plusMx(MxEntry entry) {
    return new DomainHistory(namespace, name, domain, compliance, rollovers, mtaSts, plus(mx, entry));
  }

  /** The last rollover entry of a host, if any. */
  RolloverEntry lastRollover(String host) {
    for (int i = rollovers.size() - 1; i >= 0; i--) {
      if (rollovers.get(i).host().equals(host)) {
        return rollovers.get(i);
      }
    }
    return null;
  }

  private static <T> List<T> plus(List<T> list, T entry) {
    List<T> more = new ArrayList<>(list);
    more.add(entry);
    return more;
  }
}
