package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dane.TlsaRecord;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** dane.tlsa: TLSA records exist at {@code _25._tcp.<mx>}, are DNSSEC-validated and usable for SMTP (RFC 7672 sections 2.2, 3.1). */
final class DaneTlsa implements Check {

  static final String ID = "dane.tlsa";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().map(mx -> evaluate(mx, profile)).toList();
  }

  private CheckResult evaluate(MxObservation mx, Profile profile) {
    DnsAnswer tlsa = mx.tlsa();
    String host = mx.host();
    // An alias's TLSA records are at its CNAME-expanded name (RFC 7672 section 2.2.2): say where they were looked for.
    String name = mx.tlsaBase().equals(host) ? mx.tlsaName()
        : mx.tlsaName() + " (" + host + " is an alias of " + mx.tlsaBase() + ")";
    if (tlsa.outcome() == DnsAnswer.Outcome.ERROR || tlsa.outcome() == DnsAnswer.Outcome.UNREACHABLE) {
      // RFC 7672 section 2.2: a failed TLSA lookup for a secure host makes DANE senders defer mail.
      return CheckResult.fail(ID, host, "the TLSA lookup for " + name + " failed ("
          + (tlsa.dnssec() == DnssecState.bogus ? "DNSSEC bogus: " : "") + tlsa.detail()
          + "): DANE senders defer mail to " + host);
    }
    if (tlsa.outcome() != DnsAnswer.Outcome.ANSWER) {
      if (profile.requiresDane()) {
        return CheckResult.fail(ID, host, "no TLSA records at " + name + ": " + profile + " requires DANE");
      }
      return Facts.addressesSecure(mx)
          ? CheckResult.warn(ID, host, "no TLSA records at " + name
              + ": the host is DNSSEC-signed, so DANE could protect it, but it is not published")
          : CheckResult.skip(ID, host, "no TLSA records at " + name + " (DANE needs a DNSSEC-signed MX host)");
    }
    if (tlsa.dnssec() != DnssecState.secure) {
      String message = "the TLSA records at " + name + " are not DNSSEC-validated (" + tlsa.dnssec()
          + "), so senders ignore them (RFC 7672 section 2.2)";
      return profile.requiresDane() ? CheckResult.fail(ID, host, message) : CheckResult.warn(ID, host, message);
    }
    List<String> unparseable = tlsa.data().stream().filter(d -> TlsaRecord.parse(d).isEmpty()).toList();
    List<TlsaRecord> records = Facts.secureTlsa(mx);
    List<TlsaRecord> usable = records.stream().filter(TlsaRecord::usable).toList();
    List<String> problems = new ArrayList<>(unparseable.stream().map(d -> "'" + d + "' is not TLSA data").toList());
    records.stream().filter(r -> !r.usable())
        .forEach(r -> problems.add(r.parameters() + ": " + r.unusableBecause().orElse("")));
    if (usable.isEmpty()) {
      return CheckResult.fail(ID, host, "no usable TLSA record at " + name + " (" + String.join("; ", problems)
          + "): senders use TLS but cannot authenticate " + host + " (RFC 7672 section 2.2)");
    }
    if (!problems.isEmpty()) {
      return CheckResult.warn(ID, host, usable.size() + " usable TLSA record(s) at " + name + " ("
          + Facts.tlsaList(usable) + "), and unusable ones senders ignore: " + String.join("; ", problems));
    }
    return CheckResult.pass(ID, host, usable.size() + " usable TLSA record(s) at " + name + ": "
        + Facts.tlsaList(usable));
  }
}
