package io.securemail.operator.evidence;

import java.time.Instant;
import java.util.List;

/**
 * A change of the published MTA-STS policy (RFC 8461 section 3.2: its id, mode or mx list).
 *
 * @param change what changed, in words
 * @param firstSeen the first policy the journal saw for the domain: no change of the operator's making
 */
public record MtaStsEntry(Instant time, String policyId, String mode, List<String> mx, String change,
    boolean firstSeen) {}
