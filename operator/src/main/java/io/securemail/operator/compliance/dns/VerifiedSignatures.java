package io.securemail.operator.compliance.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Digests of DNSSEC signatures that verified: of the algorithm, the public key, the signed data
 * (the RRSIG's RDATA without its signature, then the RRset in canonical form, RFC 4034 section
 * 3.1.8.1) and the signature. Verifying a signature is a pure function of exactly these, so a
 * signature that verified once verifies again over identical data with the identical key; whether
 * it is still within its validity period, and whether the key is still trusted, the validator
 * decides afresh at every use before it asks for the verification (RFC 4035 section 5.3.1), and
 * that is not kept here. Only successes are kept: a signature that failed is verified again.
 *
 * <p>The same RRset with the same RRSIG comes back in many answers of one interval: the zone's SOA
 * in every negative answer, the NSEC3 record of a host in its AAAA, CNAME and CAA answers. Bounded
 * (at most {@code capacity} digests, the oldest first out) and aged (at most {@code maxAge}).
 * Thread-safe.
 */
public final class VerifiedSignatures {

  public static final int DEFAULT_CAPACITY = 20_000;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);

  private final int capacity;
  private final Duration maxAge;
  private final Clock clock;
  private final Map<String, Instant> verified;

  public VerifiedSignatures(int capacity, Duration maxAge, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.maxAge = maxAge;
    this.clock = clock;
    this.verified = new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > VerifiedSignatures.this.capacity;
      }
    };
  }

  public static VerifiedSignatures withDefaults() {
    return new VerifiedSignatures(DEFAULT_CAPACITY, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /** Whether this digest verified within the maximum age. */
  public synchronized boolean contains(String digest) {
    Instant expires = verified.get(digest);
    if (expires == null) {
      return false;
    }
    if (!clock.instant().isBefore(expires)) {
      verified.remove(digest);
      return false;
    }
    return true;
  }

  /** Records a verification that succeeded; drops the expired digests at the head. */
  public synchronized void add(String digest) {
    Instant now = clock.instant();
    verified.remove(digest);
    verified.put(digest, now.plus(maxAge));
    var eldest = verified.values().iterator();
    while (eldest.hasNext() && !now.isBefore(eldest.next())) {
      eldest.remove();
    }
  }

  public synchronized int size() {
    return verified.size();
  }
}
