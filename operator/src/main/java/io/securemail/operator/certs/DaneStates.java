package io.securemail.operator.certs;

import io.securemail.operator.api.DaneStatus;
import java.time.Instant;
import java.util.Map;

/** status.dane to and from the rollover's {@link RolloverState}: status is the rollover's memory. */
final class DaneStates {

  static final String DISABLED = "Disabled";

  private DaneStates() {}

  /**
   * The remembered state; a new domain (or DANE enabled again) starts in Initial with the serving
   * lineage it had, its keys read from the lineage Secrets.
   */
  static RolloverState restore(DaneStatus status, Map<String, LineageKeys> keys, Instant now) {
    return restore(status, keys, now, null);
  }

  /**
   * @param servedLineage the lineage whose key the serving Secret holds (null: none, or unknown):
   *     without status (a new domain, or a status lost to a backup restore) the rollover starts from
   *     the key the MTA serves, so a lost status never makes the MTA switch keys on its own
   */
  static RolloverState restore(DaneStatus status, Map<String, LineageKeys> keys, Instant now, String servedLineage) {
    if (status == null || status.getPhase() == null) {
      return initial(servedLineage == null ? CertNames.LINEAGE_A : servedLineage, keys, now);
    }
    String serving = status.getServingLineage() == null ? CertNames.LINEAGE_A : status.getServingLineage();
    if (DISABLED.equals(status.getPhase())) {
      return initial(serving, keys, now);
    }
    RolloverPhase phase = RolloverPhase.valueOf(status.getPhase());
    Instant since = status.getSince() == null ? now : Instant.parse(status.getSince());
    if (phase == RolloverPhase.Initial) {
      // Nothing is published yet, so the keys are whatever the lineages hold now.
      return initial(serving, keys, since);
    }
    return new RolloverState(phase, serving, status.getCurrentSpkiSha256(), status.getNextSpkiSha256(),
        status.getRetiredSpkiSha256(), status.getNextTlsaObservedSince() == null ? null
            : Instant.parse(status.getNextTlsaObservedSince()), since);
  }

  static RolloverState initial(String servingLineage, Map<String, LineageKeys> keys, Instant since) {
    String next = CertNames.LINEAGE_A.equals(servingLineage) ? CertNames.LINEAGE_B : CertNames.LINEAGE_A;
    return new RolloverState(RolloverPhase.Initial, servingLineage, keys.get(servingLineage).spki(),
        keys.get(next).spki(), null, null, since);
  }

  static DaneStatus toStatus(RolloverState state, String message) {
    var status = new DaneStatus();
    status.setPhase(state.phase().name());
    status.setServingLineage(state.servingLineage());
    status.setCurrentSpkiSha256(state.servingSpki());
    status.setNextSpkiSha256(state.nextSpki());
    status.setRetiredSpkiSha256(state.retiredSpki());
    status.setNextTlsaObservedSince(state.nextObservedSince() == null ? null : state.nextObservedSince().toString());
    status.setSince(state.phaseSince().toString());
    status.setMessage(message);
    return status;
  }
}
