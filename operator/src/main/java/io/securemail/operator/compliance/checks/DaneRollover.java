package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dane.DaneMatcher;
import io.securemail.operator.compliance.dane.TlsaRecord;
import io.securemail.operator.compliance.smtp.SmtpObservation;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * dane.rollover: the TLSA set survives a change of the server key. That takes either a DANE-TA(2)
 * record beside the DANE-EE(3) ones (the CA stays when the key changes), or a DANE-EE record for a
 * key other than the one in service, published ahead of the change (RFC 7671 section 8.1, RFC 7672
 * section 3.1.1: "current + next").
 */
final class DaneRollover implements Check {

  static final String ID = "dane.rollover";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().map(this::evaluate).toList();
  }

  private CheckResult evaluate(MxObservation mx) {
    String host = mx.host();
    List<TlsaRecord> usable = Facts.usableTlsa(mx);
    if (usable.isEmpty()) {
      return CheckResult.skip(ID, host, "no usable TLSA records (see dane.tlsa)");
    }
    List<TlsaRecord> ta = usable.stream().filter(r -> r.usage() == TlsaRecord.DANE_TA).toList();
    List<TlsaRecord> ee = usable.stream().filter(r -> r.usage() == TlsaRecord.DANE_EE).toList();
    if (!ta.isEmpty()) {
      return CheckResult.pass(ID, host, "DANE-TA record(s) " + Facts.tlsaList(ta)
          + " keep matching when the server key changes, as long as the issuing CA stays");
    }
    List<X509Certificate> served = mx.smtp().stream().map(SmtpObservation::tls).filter(Objects::nonNull)
        .map(t -> t.chain().isEmpty() ? null : t.chain().get(0)).filter(Objects::nonNull).toList();
    if (served.isEmpty()) {
      return ee.size() >= 2
          ? CheckResult.pass(ID, host, ee.size() + " DANE-EE records (" + Facts.tlsaList(ee)
              + "): room for the current and the next key (no served certificate to tell which is which)")
          : CheckResult.warn(ID, host, "a single TLSA record (" + Facts.tlsaList(ee) + "): the next key change breaks "
              + "DANE unless the new key's record is published first");
    }
    List<TlsaRecord> spare = ee.stream().filter(r -> served.stream().noneMatch(cert ->
        DaneMatcher.associationData(cert, r.selector(), r.matchingType()).equals(r.data()))).toList();
    if (!spare.isEmpty() && spare.size() < ee.size()) {
      return CheckResult.pass(ID, host, "TLSA " + Facts.tlsaList(spare)
          + " is published for a key not yet in service: a key change to it keeps DANE working");
    }
    if (spare.isEmpty()) {
      return CheckResult.warn(ID, host, "every TLSA record (" + Facts.tlsaList(ee) + ") matches the key in service: "
          + "the next key change breaks DANE unless the new key's record is published first (or add a 2 1 1 "
          + "record for the issuing CA)");
    }
    // None matches what is served: dane.match fails; there is nothing to say about the rollover.
    return CheckResult.skip(ID, host, "no TLSA record matches the served key (see dane.match)");
  }
}
