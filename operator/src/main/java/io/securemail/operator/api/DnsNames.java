package io.securemail.operator.api;

/** Schema patterns shared by the spec types. */
final class DnsNames {

  /**
   * A lowercase DNS host name of at least two labels, no trailing dot, each label 1-63 letters,
   * digits or hyphens not starting or ending with a hyphen (RFC 1123 section 2.1). The total length
   * bound (253, RFC 1035 section 2.3.4) is a separate maxLength because the API server's regular
   * expressions (RE2) have no look-ahead.
   */
  static final String HOST_NAME =
      "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$";

  /** Like {@link #HOST_NAME}, with an optional trailing dot, as zone names are often written. */
  static final String ZONE_NAME =
      "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?$";

  /**
   * A Go-style duration: one or more number+unit pairs, units h, m, s (e.g. 2160h, 1h30m, 45s).
   * Numbers have at most 7 digits, so no accepted value overflows.
   */
  static final String DURATION = "^([0-9]{1,7}(h|m|s))+$";

  /** A duration, or 0 to switch the periodic behaviour off. */
  static final String DURATION_OR_ZERO = "^(0|([0-9]{1,7}(h|m|s))+)$";

  static final int MAX_NAME_LENGTH = 253;

  private DnsNames() {}
}
