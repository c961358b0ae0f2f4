package io.securemail.operator.compliance.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * DNSSEC verdicts already reached, by the {@link ResponseFingerprint} of the response they were
 * reached on, so that a response identical to one validated a moment ago is not validated again.
 * Checks of many domains ask the same questions (the host every domain's MX names, the parent
 * zone's CAA) and get the same signed answers; validating each costs an ECDSA or RSA verification
 * per signature, which is most of what a compliance check costs in CPU.
 *
 * <p>Why this is safe: a verdict is a function of the response's data and signatures, the keys of
 * the chain of trust, and the time. The fingerprint covers every record and signature byte, so a
 * changed record or a re-signed RRset is validated afresh; the data itself always comes fresh from
 * the resolver, only the verification is skipped. An entry lives no longer than the response's
 * TTLs and signatures allow (RFC 4035 section 5.3.3: a verified RRSIG over identical RRset data
 * stays valid until its expiration, for no longer than the TTLs), and never longer than
 * {@code maxAge}, which keeps a verdict within a minute of the keys it was reached
 * with, as the validator's own key cache keeps a validated DNSKEY set for its TTL. Only definite
 * verdicts are kept (secure or insecure data, proven non-existence): a bogus answer or a failure is
 * validated again at every lookup, so the cache can never turn a failure into a success. One cache
 * belongs to one validator, whose trust anchors never change: a change of trust anchors is a new
 * probe with a new, empty cache.
 *
 * <p>Bounded: at most {@code capacity} entries, the oldest dropped first; expired entries are dropped
 * as new ones come in. Thread-safe.
 */
public final class ValidatedAnswers {

  /** Far more than the distinct responses a thousand domains' checks meet within the maximum age. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** Long enough for the checks running about the same time to share; short TTLs end it sooner. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);

  private record Entry(DnsAnswer answer, Instant expires) {}

  private final int capacity;
  private final Duration maxAge;
  private final Clock clock;
  private final Map<ResponseFingerprint, Entry> entries;

  public ValidatedAnswers(int capacity, Duration maxAge, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.maxAge = maxAge;
    this.clock = clock;
    // Insertion order: the eldest entry is the one validated longest ago.
    this.entries = new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ResponseFingerprint, Entry> eldest) {
        return size() > ValidatedAnswers.this.capacity;
      }
    };
  }

  public static ValidatedAnswers withDefaults() {
    return new ValidatedAnswers(DEFAULT_CAPACITY, DEFAULT_MAX_AGE, Clock.systemUTC());
  }

  /** The verdict reached on an identical response, while it stands; an expired one is dropped. */
  public synchronized Optional<DnsAnswer> get(ResponseFingerprint fingerprint) {
    Entry entry = entries.get(fingerprint);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.expires())) {
      entries.remove(fingerprint);
      return Optional.empty();
    }
    return Optional.of(entry.answer());
  }

  /**
   * Keeps a definite verdict for {@code lifetime} ({@link ResponseFingerprint#lifetime}), at most
   * {@code maxAge}; anything else (a failure, a bogus answer, a lifetime of zero) is not kept.
   */
  public synchronized void put(ResponseFingerprint fingerprint, DnsAnswer answer, Duration lifetime) {
    if (!definite(answer) || lifetime.isNegative() || lifetime.isZero()) {
      return;
    }
    Instant now = clock.instant();
    Duration kept = lifetime.compareTo(maxAge) < 0 ? lifetime : maxAge;
    entries.remove(fingerprint);
    entries.put(fingerprint, new Entry(answer, now.plus(kept)));
    // Entries come in oldest first and none lives past maxAge: drop the expired ones at the head.
    var eldest = entries.values().iterator();
    while (eldest.hasNext()) {
      if (now.isBefore(eldest.next().expires())) {
        break;
      }
      eldest.remove();
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  /** A verdict that may be reused: secure or insecure data, or proven non-existence. */
  static boolean definite(DnsAnswer answer) {
    return switch (answer.outcome()) {
      case ANSWER, NODATA, NXDOMAIN -> answer.dnssec() == DnssecState.secure || answer.dnssec() == DnssecState.insecure;
      case ERROR, UNREACHABLE -> false;
    };
  }
}
