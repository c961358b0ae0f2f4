package io.securemail.operator.certs;

import java.util.List;

/**
 * The outcome of one rollover step.
 *
 * @param state the state to remember
 * @param tlsaSpkis the keys whose TLSA records must be published now, for every MX host
 * @param serveLineage the lineage the MTA must serve
 * @param regenerateLineage a lineage that needs a freshly generated key (null: none)
 * @param event what happened, for a Kubernetes event (null: no transition)
 * @param waitingFor why the rollover does not proceed (null: nothing to wait for)
 */
public record RolloverDecision(RolloverState state, List<String> tlsaSpkis, String serveLineage,
    String regenerateLineage, String event, String waitingFor) {}
