package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.mtasts.Parsed;
import io.securemail.operator.compliance.mtasts.TlsRptTxtRecord;
import java.time.Instant;
import java.util.List;

/**
 * tlsrpt.record: exactly one valid {@code v=TLSRPTv1; rua=...} TXT record at {@code _smtp._tls.<domain>}
 * (RFC 8460 section 3). Missing is a warning when DANE or MTA-STS is in use (nobody hears about their
 * failures) and a skip otherwise.
 */
final class TlsRptRecord implements Check {

  static final String ID = "tlsrpt.record";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    DnsAnswer txt = o.tlsRptTxt();
    String name = "_smtp._tls." + o.domain();
    if (!txt.answered()) {
      return List.of(CheckResult.fail(ID, name, "the TXT lookup failed: " + txt.detail()));
    }
    List<String> candidates = TlsRptTxtRecord.candidates(txt.data());
    if (candidates.isEmpty()) {
      boolean protectedTransport = Facts.stsRecord(o).isPresent()
          || o.mxHosts().stream().anyMatch(mx -> !Facts.usableTlsa(mx).isEmpty());
      return List.of(protectedTransport
          ? CheckResult.warn(ID, name, "no v=TLSRPTv1 TXT record: nobody is told when senders fail to "
              + "deliver over DANE or MTA-STS (RFC 8460)")
          : CheckResult.skip(ID, name, "no v=TLSRPTv1 TXT record (and neither DANE nor MTA-STS to report on)"));
    }
    if (candidates.size() > 1) {
      return List.of(CheckResult.fail(ID, name, candidates.size() + " v=TLSRPTv1 TXT records: senders treat the "
          + "domain as not wanting reports (RFC 8460 section 3)"));
    }
    Parsed<TlsRptTxtRecord> record =
        TlsRptTxtRecord.parse(candidates.get(0));
    if (!record.ok()) {
      return List.of(CheckResult.fail(ID, name, "'" + candidates.get(0) + "' is not a valid TLS-RPT record: "
          + record.error() + " (RFC 8460 section 3)"));
    }
    return List.of(CheckResult.pass(ID, name, "reports go to " + String.join(", ", record.value().rua())));
  }
}
