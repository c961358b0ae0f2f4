package io.securemail.operator.certs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The DANE key rollover as a pure function of what the operator remembers and what it observes
 * (RFC 7672 section 8.1, "current + next"): a key is put into service only after its TLSA record
 * has been observed for max(prePublish, 2 x TTL), so every sender's cached TLSA set already
 * contains it; the old key's TLSA is withdrawn only once no probed MX serves that key.
 *
 * <p>The reconciler gathers {@link RolloverFacts}, calls {@link #decide}, publishes the returned
 * TLSA set, points the MTA at the returned lineage, regenerates a lineage's key when asked (only
 * while that lineage still holds the retired key, so repeated asks are harmless), and clears a
 * rollover annotation once the phase leaves Stable.
 */
public final class DaneRollover {

  /** A switch that has not completed after this long is reported as stuck (the old TLSA stays). */
  static final Duration SWITCH_STUCK_AFTER = Duration.ofMinutes(30);

  private DaneRollover() {}

  public static RolloverDecision decide(RolloverState state, RolloverFacts facts, Instant now) {
    return switch (state.phase()) {
      case Initial -> initial(state, facts, now);
      case Stable -> stable(state, facts, now);
      case Switching -> switching(state, facts, now);
      case Retiring -> retiring(state, facts, now);
    };
  }

  /**
   * How long the next key's TLSA must have been visible. Two TTLs bound how long a resolver may
   * still hold a TLSA set without it; an emergency (key compromise) waits for that bound only.
   */
  static Duration requiredAge(RolloverFacts facts, boolean emergency) {
    Duration twoTtl = facts.ttl().multipliedBy(2);
    return emergency || facts.prePublish().compareTo(twoTtl) < 0 ? twoTtl : facts.prePublish();
  }

  /**
   * Before any TLSA record of ours exists, senders use opportunistic TLS, so serving our key first
   * is safe; publishing TLSA first is not (a TLSA set that does not match what the MX serves makes
   * DANE senders defer mail, RFC 7672 section 2.2). TLSA is published once every probed MX serves
   * the serving key; from then on the rollover rules apply.
   */
  private static RolloverDecision initial(RolloverState s, RolloverFacts f, Instant now) {
    Set<String> served = f.servedSpkis();
    if (s.nextSpki() != null && !served.isEmpty() && served.equals(Set.of(s.servingSpki()))) {
      var stable = new RolloverState(RolloverPhase.Stable, s.servingLineage(), s.servingSpki(), s.nextSpki(), null,
          null, now);
      return new RolloverDecision(stable, spkis(s.servingSpki(), s.nextSpki()), s.servingLineage(), null,
          "Every probed MX serves key " + abbreviate(s.servingSpki()) + "; publishing its TLSA and the next key's ("
              + abbreviate(s.nextSpki()) + ")", null);
    }
    String waiting = served.isEmpty() ? "no MX endpoint could be probed"
        : "MX endpoints serve " + served.stream().map(DaneRollover::abbreviate).sorted().toList();
    return new RolloverDecision(s, List.of(), s.servingLineage(), null, null, "TLSA records are withheld until every "
        + "MX endpoint serves key " + abbreviate(s.servingSpki()) + " of lineage " + s.servingLineage() + ": " + waiting);
  }

  private static RolloverDecision stable(RolloverState s, RolloverFacts f, Instant now) {
    boolean emergency = f.request() == RolloverFacts.Request.emergency;
    if (emergency) {
      // The next key was generated long ago and is kept beside the serving one: whoever took the
      // serving key may hold it too. An emergency rollover first replaces it (its TLSA goes, it was
      // never served) and switches to the fresh key once that key's TLSA has aged 2 x TTL. The
      // set-aside key is remembered as retiredSpki until the switch.
      String distrusted = s.retiredSpki() != null ? s.retiredSpki() : s.nextSpki();
      if (distrusted != null && (f.nextSpki() == null || f.nextSpki().equals(distrusted))) {
        var replacing = new RolloverState(RolloverPhase.Stable, s.servingLineage(), s.servingSpki(), null, distrusted,
            null, s.phaseSince());
        return new RolloverDecision(replacing, spkis(s.servingSpki()), s.servingLineage(), s.nextLineage(),
            s.retiredSpki() == null ? "Emergency rollover: replacing the next key " + abbreviate(distrusted)
                + " of lineage " + s.nextLineage() + " first, as it may be compromised with the serving key" : null,
            "Emergency rollover; waiting for a fresh key in lineage " + s.nextLineage() + " to replace "
                + abbreviate(distrusted));
      }
    }
    boolean sameNext = s.nextSpki() != null && s.nextSpki().equals(f.nextSpki());
    Instant since = !f.nextTlsaObserved() ? null
        : sameNext && s.nextObservedSince() != null ? s.nextObservedSince() : now;
    var kept = new RolloverState(RolloverPhase.Stable, s.servingLineage(), s.servingSpki(), f.nextSpki(),
        emergency ? s.retiredSpki() : null, since, s.phaseSince());
    List<String> tlsa = spkis(kept.servingSpki(), kept.nextSpki());
    boolean due = f.request() != RolloverFacts.Request.none
        || (!f.rolloverEvery().isZero() && !now.isBefore(s.phaseSince().plus(f.rolloverEvery())));
    if (!due) {
      return new RolloverDecision(kept, tlsa, s.servingLineage(), null, null, null);
    }
    Duration age = requiredAge(f, f.request() == RolloverFacts.Request.emergency);
    String waiting = null;
    if (kept.nextSpki() == null || !f.nextCertificateReady()) {
      waiting = "the next key's certificate (lineage " + s.nextLineage() + ") to be issued";
    } else if (since == null) {
      waiting = "the next key's TLSA record to be observed, DNSSEC secure, for every MX host";
    } else if (now.isBefore(since.plus(age))) {
      waiting = "the next key's TLSA record to have been visible for " + age + " (observed since " + since + ")";
    }
    if (waiting != null) {
      return new RolloverDecision(kept, tlsa, s.servingLineage(), null, null, "Rollover due; waiting for " + waiting);
    }
    var switching = new RolloverState(RolloverPhase.Switching, s.servingLineage(), s.servingSpki(), kept.nextSpki(),
        null, since, now);
    return new RolloverDecision(switching, tlsa, s.nextLineage(), null, "Rollover started: the MTA now serves lineage "
        + s.nextLineage() + " (key " + abbreviate(kept.nextSpki()) + "), whose TLSA has been visible since " + since, null);
  }

  private static RolloverDecision switching(RolloverState s, RolloverFacts f, Instant now) {
    List<String> tlsa = spkis(s.servingSpki(), s.nextSpki());
    Set<String> served = f.servedSpkis();
    if (!served.isEmpty() && served.equals(Set.of(s.nextSpki()))) {
      var retiring = new RolloverState(RolloverPhase.Retiring, s.nextLineage(), s.nextSpki(), null, s.servingSpki(),
          null, now);
      return new RolloverDecision(retiring, tlsa, retiring.servingLineage(), retiring.nextLineage(),
          "Every probed MX serves key " + abbreviate(s.nextSpki()) + "; retiring key " + abbreviate(s.servingSpki()),
          null);
    }
    Set<String> old = new HashSet<>(served);
    old.remove(s.nextSpki());
    String waiting = served.isEmpty() ? "no MX endpoint could be probed" : "MX endpoints still serve " + old.stream()
        .map(DaneRollover::abbreviate).toList();
    if (Duration.between(s.phaseSince(), now).compareTo(SWITCH_STUCK_AFTER) > 0) {
      waiting = "stuck since " + s.phaseSince() + ": " + waiting;
    }
    return new RolloverDecision(s, tlsa, s.nextLineage(), null, null,
        "Switching; both TLSA records stay until every MX serves the new key: " + waiting);
  }

  private static RolloverDecision retiring(RolloverState s, RolloverFacts f, Instant now) {
    // The retired key's TLSA is withdrawn only when MX endpoints were probed and none serves it; it
    // stays in state until Stable, so a probe that fails later brings the record back, never a gap.
    boolean retiredServed = s.retiredSpki() != null
        && (f.servedSpkis().isEmpty() || f.servedSpkis().contains(s.retiredSpki()));
    String retiredTlsa = retiredServed ? s.retiredSpki() : null;
    // The regenerated lineage must hold a fresh key: neither the serving nor the retired one.
    boolean fresh = f.nextSpki() != null && !f.nextSpki().equals(s.servingSpki())
        && !f.nextSpki().equals(s.retiredSpki());
    String next = fresh ? f.nextSpki() : null;
    var kept = new RolloverState(RolloverPhase.Retiring, s.servingLineage(), s.servingSpki(), next, s.retiredSpki(),
        null, s.phaseSince());
    List<String> tlsa = spkis(s.servingSpki(), retiredTlsa, next);
    if (next == null) {
      return new RolloverDecision(kept, tlsa, s.servingLineage(), s.nextLineage(), null,
          "Retiring; waiting for a fresh key in lineage " + s.nextLineage());
    }
    if (retiredTlsa != null || !f.nextCertificateReady() || !f.nextTlsaObserved()) {
      return new RolloverDecision(kept, tlsa, s.servingLineage(), null, null, retiredTlsa != null
          ? "Retiring; the old key's TLSA stays until no probed MX serves key " + abbreviate(retiredTlsa)
          : !f.nextCertificateReady() ? "Retiring; waiting for the certificate of the fresh key in lineage "
              + s.nextLineage()
          : "Retiring; waiting for the fresh key's TLSA to be observed, DNSSEC secure, for every MX host");
    }
    // Stable again only with the fresh next key's TLSA visible: its ageing starts now.
    var stable = new RolloverState(RolloverPhase.Stable, s.servingLineage(), s.servingSpki(), next, null, now, now);
    return new RolloverDecision(stable, spkis(s.servingSpki(), next), s.servingLineage(), null,
        "Rollover complete: serving key " + abbreviate(s.servingSpki()) + ", next key " + abbreviate(next)
            + " published", null);
  }

  private static List<String> spkis(String... keys) {
    List<String> list = new ArrayList<>();
    for (String key : keys) {
      if (key != null && !list.contains(key)) {
        list.add(key);
      }
    }
    return list;
  }

  static String abbreviate(String spki) {
    return spki == null ? "none" : spki.substring(0, Math.min(12, spki.length())) + "...";
  }
}
