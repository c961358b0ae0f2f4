package io.securemail.bench;

import io.securemail.operator.compliance.CheckStatus;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * What a sending MTA that does DANE (RFC 7672) gets from one MX host, the one verdict the compliance
 * engine, {@code posttls-finger -l dane} and {@code ldns-dane verify} can all be asked for: a TLS
 * session authenticated by the host's TLSA records, a TLS session that is not, or no TLS at all.
 */
enum DaneVerdict {
  /** STARTTLS, and the certificate matches a usable, DNSSEC-validated TLSA record. */
  VERIFIED,
  /** STARTTLS, but no TLSA record authenticates the certificate (none published, or none matches). */
  TLS_NOT_VERIFIED,
  /** No TLS session: STARTTLS not offered or the handshake failed. */
  NO_TLS;

  private static final Pattern UNVERIFIED_SESSION =
      Pattern.compile("(Untrusted|Anonymous|Trusted) TLS connection established");

  /** Postfix's verdict, from the output of {@code posttls-finger -l dane -L summary}. */
  static DaneVerdict ofPosttlsFinger(String output) {
    if (output.contains("Verified TLS connection established")) {
      return VERIFIED;
    }
    return UNVERIFIED_SESSION.matcher(output).find() ? TLS_NOT_VERIFIED : NO_TLS;
  }

  /**
   * ldns-dane's verdict on the certificate the host served: it has no STARTTLS of its own, so a
   * host that gave no certificate is {@link #NO_TLS}; otherwise verified exactly when ldns-dane
   * says so.
   */
  static DaneVerdict ofLdnsDane(boolean certificateServed, String output) {
    if (!certificateServed) {
      return NO_TLS;
    }
    return output.contains("dane-validated successfully") ? VERIFIED : TLS_NOT_VERIFIED;
  }

  /**
   * The engine's verdict from the results of its {@code smtp.starttls} and {@code dane.match}
   * checks on the host's addresses: no TLS if STARTTLS failed anywhere, verified if every address
   * matched a TLSA record, else not verified ({@code dane.match} skipped: no usable TLSA record).
   */
  static DaneVerdict ofEngine(Collection<CheckStatus> starttls, Collection<CheckStatus> daneMatch) {
    if (starttls.isEmpty() || starttls.stream().anyMatch(s -> s != CheckStatus.pass)) {
      return NO_TLS;
    }
    return !daneMatch.isEmpty() && daneMatch.stream().allMatch(s -> s == CheckStatus.pass) ? VERIFIED
        : TLS_NOT_VERIFIED;
  }

  /** As ldns-dane can tell: verified or not (it does not tell a failed STARTTLS from a failed match). */
  boolean verified() {
    return this == VERIFIED;
  }
}
