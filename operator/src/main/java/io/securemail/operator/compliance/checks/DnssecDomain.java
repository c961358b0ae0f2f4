package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dns.DnsAnswer;
import java.time.Instant;
import java.util.List;

/**
 * dnssec.domain: the domain's MX answer validates. Without it a sender cannot trust the MX set, and
 * DANE cannot start (RFC 7672 section 2.2.1).
 */
final class DnssecDomain implements Check {

  static final String ID = "dnssec.domain";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    DnsAnswer mx = o.mx();
    String domain = o.domain();
    return List.of(switch (mx.dnssec()) {
      case secure -> CheckResult.pass(ID, domain, "the MX answer for " + domain + " is DNSSEC-signed and validates");
      case insecure -> profile.requiresDane()
          ? CheckResult.fail(ID, domain, domain + " is not DNSSEC-signed: " + profile + " requires DNSSEC")
          : CheckResult.warn(ID, domain, domain + " is not DNSSEC-signed, so DANE cannot protect mail to it");
      case bogus -> CheckResult.fail(ID, domain, "DNSSEC bogus: validation of the MX answer fails (" + mx.detail()
          + "): validating senders cannot deliver mail to " + domain);
      case indeterminate -> profile.requiresDane()
          ? CheckResult.fail(ID, domain, "the DNSSEC state of " + domain + " could not be determined: " + mx.detail())
          : CheckResult.warn(ID, domain, "the DNSSEC state of " + domain + " could not be determined: " + mx.detail());
    });
  }
}
