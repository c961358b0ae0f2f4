package io.securemail.operator.tlsrpt;

import io.securemail.operator.tlsrpt.StoredReport.PolicyCounts;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the reports say about one domain over a window: per policy type ({@code sts}, {@code tlsa},
 * {@code no-policy-found}, RFC 8460 section 4.2) the successful and failed sessions, the failures by
 * result type, the organisations that reported and the receiving MX hosts and addresses named.
 * A report counts when the period it covers ends inside the window.
 *
 * @param reports how many reports about the domain fall in the window
 * @param lastReceived when the newest of all kept reports about the domain arrived, if any
 * @param byPolicyType keyed by policy type, only types some report named
 */
public record DomainReports(String domain, Instant from, Instant to, int reports, Optional<Instant> lastReceived,
    Map<String, PolicyTypeTotals> byPolicyType) {

  /** At most this many organisations and hosts are listed per policy type. */
  static final int MAX_LISTED = 10;

  /** The sessions of one policy type. */
  public record PolicyTypeTotals(long successful, long failed, Map<String, Long> failures, List<String> organizations,
      List<String> receivingMx, List<String> receivingIps) {}

  public static DomainReports of(String domain, Collection<StoredReport> kept, Instant from, Instant to) {
    String name = StoredReport.domainName(domain);
    int reports = 0;
    Instant last = null;
    Map<String, Totals> totals = new TreeMap<>();
    for (StoredReport report : kept) {
      List<PolicyCounts> ours = report.policies().stream().filter(p -> p.domain().equals(name)).toList();
      if (ours.isEmpty()) {
        continue;
      }
      if (last == null || report.receivedAt().isAfter(last)) {
        last = report.receivedAt();
      }
      if (report.end().isBefore(from) || report.end().isAfter(to)) {
        continue;
      }
      reports++;
      for (PolicyCounts policy : ours) {
        totals.computeIfAbsent(policy.type(), t -> new Totals()).add(report.organization(), policy);
      }
    }
    Map<String, PolicyTypeTotals> byType = new TreeMap<>();
    totals.forEach((type, t) -> byType.put(type, t.done()));
    return new DomainReports(name, from, to, reports, Optional.ofNullable(last), byType);
  }

  /** Failed sessions of every policy type together. */
  public long failed() {
    return byPolicyType.values().stream().mapToLong(PolicyTypeTotals::failed).sum();
  }

  public long successful() {
    return byPolicyType.values().stream().mapToLong(PolicyTypeTotals::successful).sum();
  }

  private static final class Totals {
    long successful;
    long failed;
    final Map<String, Long> failures = new TreeMap<>();
    final TreeSet<String> organizations = new TreeSet<>();
    final TreeSet<String> mx = new TreeSet<>();
    final TreeSet<String> ips = new TreeSet<>();

    void add(String organization, PolicyCounts policy) {
      successful += policy.successful();
      failed += policy.failed();
      policy.failures().forEach((type, n) -> failures.merge(type, n, Long::sum));
      addBounded(organizations, organization);
      policy.receivingMx().forEach(h -> addBounded(mx, h));
      policy.receivingIps().forEach(ip -> addBounded(ips, ip));
    }

    private static void addBounded(TreeSet<String> set, String value) {
      if (value != null && set.size() < MAX_LISTED) {
        set.add(value);
      }
    }

    PolicyTypeTotals done() {
      return new PolicyTypeTotals(successful, failed, Map.copyOf(failures), List.copyOf(organizations),
          List.copyOf(mx), List.copyOf(ips));
    }
  }
}
