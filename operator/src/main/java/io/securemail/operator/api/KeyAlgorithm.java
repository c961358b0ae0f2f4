package io.securemail.operator.api;

/** Key algorithms for MX and mta-sts keys. */
public enum KeyAlgorithm {
  /** ECDSA on P-256: small TLSA-pinned keys, supported by every current MTA. */
  ECDSA,
  /** RSA, 2048 or 3072 bits, for peers that cannot use ECDSA. */
  RSA
}
