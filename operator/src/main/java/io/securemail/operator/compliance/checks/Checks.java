package io.securemail.operator.compliance.checks;

import java.util.List;

/** Every check, in the order of the contract table (docs/compliance.md). */
public final class Checks {

  private static final List<Check> ALL = List.of(new DnsMx(), new DnssecDomain(), new DnssecMx(), new DaneTlsa(),
      new DaneMatch(), new DaneRollover(), new SmtpStarttls(), new TlsVersion(), new TlsCipher(), new CertPkix(),
      new CertExpiry(), new MtaStsRecord(), new MtaStsPolicy(), new MtaStsMx(), new MtaStsMode(), new TlsRptRecord(),
      new CertCaa());

  private Checks() {}

  public static List<Check> all() {
    return ALL;
  }
}
