package io.securemail.operator.certs;

import io.securemail.operator.api.DaneStatus;
import java.util.Objects;

/**
 * How long resolvers may still hold a TLSA set without the next key. That set was cached under the
 * TTL in effect before the next key's record was published; lowering the TTL afterwards does not
 * shorten what is already cached (RFC 1035 section 3.2.1: a cached RR lives its TTL out). So the
 * rollover waits for twice the highest TTL seen since that publication, not the current one.
 */
final class HeldTtl {

  private HeldTtl() {}

  /**
   * @param previous what status remembered (null: nothing)
   * @param nextSpki the next key now
   * @param ttl the TTL the spec asks for now
   * @return the highest TTL in effect since {@code nextSpki}'s record was published, {@code ttl} at least
   */
  static int of(DaneStatus previous, String nextSpki, int ttl) {
    boolean sameNext = previous != null && previous.getTlsaTtlSeconds() != null
        && Objects.equals(previous.getNextSpkiSha256(), nextSpki);
    return sameNext ? Math.max(previous.getTlsaTtlSeconds(), ttl) : ttl;
  }
}
