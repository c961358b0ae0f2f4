package io.securemail.operator.observe;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Each domain's last definite DNS answers, so that a resolver timeout does not overwrite what the
 * operator last saw: the DNS step's record states and the compliance checks' verdicts stay as they
 * were until the fault passes the {@link FaultThreshold}. Without this, a resolver that drops a
 * query now and then turns each record from secure to indeterminate and back, and each status
 * change is a write to the API server.
 *
 * <p>Kept per domain, in memory only: the DNS step and the compliance checks of one domain share
 * one set (both count as attempts), and a deleted domain's set goes with it ({@link #forget}). After
 * a restart nothing is held until a definite answer has been seen again. Thread-safe.
 */
public final class HeldAnswers {

  private static final Logger LOG = Logger.getLogger(HeldAnswers.class);

  private final FaultThreshold threshold;
  private final Clock clock;
  private final Map<String, Map<String, HeldAnswer>> byDomain = new ConcurrentHashMap<>();

  public HeldAnswers(FaultThreshold threshold, Clock clock) {
    this.threshold = threshold;
    this.clock = clock;
  }

  /**
   * {@code dns} as the domain with uid {@code domainUid} sees it: a fault is answered with the last
   * definite answer to the same question until the fault has lasted past the threshold.
   *
   * @param interval the domain's check interval, for the threshold
   */
  public DnsProbe over(DnsProbe dns, String domainUid, Duration interval) {
    if (domainUid == null) {
      return dns; // not a stored resource: nothing to remember it by
    }
    Map<String, HeldAnswer> held = byDomain.computeIfAbsent(domainUid, k -> new ConcurrentHashMap<>());
    return (name, type) -> {
      DnsAnswer fresh = dns.lookup(name, type);
      HeldAnswer.Step[] step = new HeldAnswer.Step[1];
      held.compute(key(name, type), (k, before) -> {
        step[0] = HeldAnswer.next(before, fresh, clock.instant(), threshold, interval);
        return step[0].kept();
      });
      HeldAnswer.Step taken = step[0];
      if (taken.holding()) {
        LOG.debugf("Holding the last answer for %s %s (fault %d in a row): %s", name, type, taken.kept().faults(),
            fresh.detail());
        // Asked by another part, the same answer may have been spelt with or without the final dot.
        DnsAnswer definite = taken.reported();
        return new DnsAnswer(name, type, definite.outcome(), definite.data(), definite.dnssec(), definite.detail());
      }
      if (taken.kept().faults() > 0) {
        LOG.debugf("Reporting a lasting fault for %s %s (%d in a row since %s): %s", name, type,
            taken.kept().faults(), taken.kept().firstFault(), fresh.detail());
      }
      return taken.reported();
    };
  }

  /** Forgets a deleted domain's answers. */
  public void forget(String domainUid) {
    if (domainUid != null) {
      byDomain.remove(domainUid);
    }
  }

  /** Answers held for a domain, for tests. */
  int questions(String domainUid) {
    Map<String, HeldAnswer> held = byDomain.get(domainUid);
    return held == null ? 0 : held.size();
  }

  private static String key(String name, String type) {
    String n = name.toLowerCase(Locale.ROOT);
    return (n.endsWith(".") ? n.substring(0, n.length() - 1) : n) + " " + type.toUpperCase(Locale.ROOT);
  }
}
