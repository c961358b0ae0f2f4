package io.securemail.operator.compliance.dane;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 section 2.1): certificate usage, selector, matching type, and the
 * association data as lowercase hex.
 */
public record TlsaRecord(int usage, int selector, int matchingType, String data) {

  /** DANE-TA: the data names a trust anchor in the served chain (RFC 7218 mnemonic). */
  public static final int DANE_TA = 2;
  /** DANE-EE: the data names the server's own certificate or key. */
  public static final int DANE_EE = 3;

  /** Parses presentation format "3 1 1 ab12..." (hex in any case, may contain spaces). */
  public static Optional<TlsaRecord> parse(String presentation) {
    String[] parts = presentation.trim().split("\\s+", 4);
    if (parts.length < 4) {
      return Optional.empty();
    }
    try {
      String hex = parts[3].replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
      HexFormat.of().parseHex(hex);
      return Optional.of(new TlsaRecord(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]), hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Why an SMTP client would ignore this record, or empty when it is usable. RFC 7672 section 3.1.3:
   * PKIX-TA(0) and PKIX-EE(1) are not to be used for SMTP; section 2.2 / RFC 6698 section 2.1: only
   * the selectors 0/1 and matching types 0/1/2 are defined, and a digest of the wrong length can match
   * nothing.
   */
  public Optional<String> unusableBecause() {
    if (usage == 0 || usage == 1) {
      return Optional.of("usage " + usage + " (PKIX-" + (usage == 0 ? "TA" : "EE")
          + ") is not used by SMTP clients (RFC 7672 section 3.1.3)");
    }
    if (usage != DANE_TA && usage != DANE_EE) {
      return Optional.of("usage " + usage + " is not defined");
    }
    if (selector != 0 && selector != 1) {
      return Optional.of("selector " + selector + " is not defined");
    }
    int length = data.length() / 2;
    return switch (matchingType) {
      case 0 -> length == 0 ? Optional.of("matching type 0 with empty data") : Optional.empty();
      case 1 -> length == 32 ? Optional.empty() : Optional.of("SHA-256 data must be 32 bytes, not " + length);
      case 2 -> length == 64 ? Optional.empty() : Optional.of("SHA-512 data must be 64 bytes, not " + length);
      default -> Optional.of("matching type " + matchingType + " is not defined");
    };
  }

  public boolean usable() {
    return unusableBecause().isEmpty();
  }

  /** "3 1 1" */
  public String parameters() {
    return usage + " " + selector + " " + matchingType;
  }

  /** "3 1 1 ab12cd34ef56ab12..." for messages. */
  public String shortForm() {
    return parameters() + " " + abbreviate(data);
  }

  static String abbreviate(String hex) {
    return hex.length() <= 16 ? hex : hex.substring(0, 16) + "...";
  }
}
