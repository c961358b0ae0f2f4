package io.securemail.operator.compliance.dns;

/** DNSSEC state of one answer (RFC 4035 section 4.3). */
public enum DnssecState {
  /** Validated from a trust anchor through an unbroken chain of signed DS and DNSKEY records. */
  secure,
  /** Provably unsigned (an insecure delegation), or outside every configured trust anchor. */
  insecure,
  /** Signed but failed validation: expired or missing signatures, wrong keys, broken chain. */
  bogus,
  /** Could not be determined, e.g. the resolver did not answer. */
  indeterminate
}
