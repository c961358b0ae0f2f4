package io.securemail.operator.certs;

import java.time.Instant;

/**
 * What the rollover remembers between reconciles (kept in status.dane, so an operator restart
 * resumes where it was). Lineages are the two certificate lineages "a" and "b".
 *
 * @param servingLineage the lineage the MTA serves (or is being switched away from, in Switching)
 * @param servingSpki SPKI SHA-256 of the serving key
 * @param nextSpki SPKI SHA-256 of the other lineage's key; null while it is being regenerated
 * @param retiredSpki the key just taken out of service, whose TLSA stays until no MX serves it
 * @param nextObservedSince when the next key's TLSA was first seen (secure) through the resolver
 * @param phaseSince when the current phase began
 */
public record RolloverState(RolloverPhase phase, String servingLineage, String servingSpki, String nextSpki,
    String retiredSpki, Instant nextObservedSince, Instant phaseSince) {

  public String nextLineage() {
    return "a".equals(servingLineage) ? "b" : "a";
  }

  /** Stable with lineage a serving, as after the first TLSA publication. */
  public static RolloverState stable(String servingSpki, String nextSpki, Instant now) {
    return new RolloverState(RolloverPhase.Stable, "a", servingSpki, nextSpki, null, null, now);
  }
}
