package io.securemail.operator.compliance;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The requirement set a domain is judged by. */
public enum Profile {
  /** What RFC 7672 (DANE for SMTP), RFC 8461 (MTA-STS) and RFC 8460 (TLS-RPT) require of a domain that uses them. */
  RFC("rfc"),
  /**
   * BSI TR-03108 (secure mail transport): DNSSEC and DANE are mandatory, only TLS 1.2 or later, only
   * the cipher suites BSI TR-02102-2 recommends, and MTA-STS must be published.
   */
  BSI_TR_03108("bsi-tr-03108");

  private final String id;

  Profile(String id) {
    this.id = id;
  }

  /** The public name: {@code rfc} or {@code bsi-tr-03108}. */
  public String id() {
    return id;
  }

  /**
   * The public name of a profile an evidence document names: documents written before the journal
   * named profiles as {@code spec.compliance.profile} does say {@code bsi} for {@code bsi-tr-03108}.
   * Any other name stays as it is (null included): a later version's profile is not this one's to rename.
   */
  public static String publicName(String name) {
    return "bsi".equals(name) ? BSI_TR_03108.id : name;
  }

  /** DNSSEC and DANE are requirements rather than recommendations. */
  public boolean requiresDane() {
    return this == BSI_TR_03108;
  }

  /** Accepting TLS 1.0/1.1 is a failure rather than a warning. */
  public boolean requiresModernTls() {
    return this == BSI_TR_03108;
  }

  /**
   * Every suite the server accepts must be in BSI TR-02102-2 Table 1 (TLS 1.2) or Table 11 (TLS 1.3);
   * anything else is a failure. Without it, suites without forward secrecy or AEAD are warnings.
   */
  public boolean requiresTr02102Suites() {
    return this == BSI_TR_03108;
  }

  /** A domain without MTA-STS fails rather than being skipped. */
  public boolean requiresMtaSts() {
    return this == BSI_TR_03108;
  }

  public static Profile fromId(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown profile '" + id + "', expected one of "
            + Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", "))));
  }

  @Override
  public String toString() {
    return id;
  }
}
