package io.securemail.operator.evidence;

import java.time.Instant;

/**
 * A DANE rollover phase change of an MX host (RFC 7671 section 8.1: the next key's TLSA is
 * published before the key is served).
 *
 * @param from the phase before; null when the journal saw the host first in phase {@code to}
 * @param to the phase entered
 * @param servedKey SHA-256 of the served key's SubjectPublicKeyInfo (hex), or null
 * @param nextKey SHA-256 of the next key's SubjectPublicKeyInfo (hex), or null
 */
public record RolloverEntry(Instant time, String host, String from, String to, String servedKey, String nextKey) {}
