package io.securemail.operator.certs;

import java.time.Duration;
import java.util.Set;

/**
 * What the world looks like now, gathered by the reconciler before it asks for a decision.
 *
 * @param nextSpki SPKI SHA-256 of the key now in the next lineage's Secret (null if none yet)
 * @param nextCertificateReady the next lineage's cert-manager Certificate is Ready for that key
 * @param nextTlsaObserved the next key's TLSA is served for every MX host and validates (secure)
 * @param servedSpkis the keys the probed MX endpoints serve right now (empty: none could be probed)
 * @param request a rollover the user asked for by annotation
 * @param rolloverEvery planned rollover period (zero: only on request)
 * @param prePublish how long a next key's TLSA must have been visible before use
 * @param ttl TTL of the TLSA records
 */
public record RolloverFacts(String nextSpki, boolean nextCertificateReady, boolean nextTlsaObserved,
    Set<String> servedSpkis, Request request, Duration rolloverEvery, Duration prePublish, Duration ttl) {

  /** A pending securemail.io/dane-rollover request (a value not yet acted on). */
  public enum Request { none, requested, emergency }
}
