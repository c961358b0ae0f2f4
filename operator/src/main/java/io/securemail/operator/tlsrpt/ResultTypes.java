package io.securemail.operator.tlsrpt;

import java.util.Locale;
import java.util.Set;

/**
 * The failure result types of RFC 8460 section 4.3, and {@value #OTHER} for anything else a sender
 * writes: the set is closed, so metric labels and status entries stay bounded whatever arrives.
 */
public final class ResultTypes {

  public static final String OTHER = "other";

  /** Sections 4.3.1 (negotiation), 4.3.2 (policy) and 4.3.2.1-2 (DANE, MTA-STS). */
  public static final Set<String> KNOWN = Set.of(
      "starttls-not-supported", "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted",
      "validation-failure",
      "tlsa-invalid", "dnssec-invalid", "dane-required",
      "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");

  private ResultTypes() {}

  /** The result type as counted: one of {@link #KNOWN}, else {@value #OTHER}. */
  public static String of(String resultType) {
    String type = resultType == null ? "" : resultType.strip().toLowerCase(Locale.ROOT);
    return KNOWN.contains(type) ? type : OTHER;
  }
}
