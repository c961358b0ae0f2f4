package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import java.time.Instant;
import java.util.List;

/**
 * dnssec.mx: the address and TLSA answers of each MX host validate. DANE applies to a host only when
 * its address records are secure (RFC 7672 section 2.2.2), and a bogus answer makes the host unusable.
 */
final class DnssecMx implements Check {

  static final String ID = "dnssec.mx";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    return o.mxHosts().stream().map(mx -> evaluate(mx, profile)).toList();
  }

  private CheckResult evaluate(MxObservation mx, Profile profile) {
    List<DnsAnswer> answers = List.of(mx.ipv4(), mx.ipv6(), mx.tlsa());
    DnssecState worst = Facts.worst(answers.stream().map(DnsAnswer::dnssec).toArray(DnssecState[]::new));
    String offending = String.join("; ", answers.stream().filter(a -> a.dnssec() == worst)
        .map(a -> a.name() + " " + a.type() + (a.detail().isBlank() ? "" : " (" + a.detail() + ")")).toList());
    String host = mx.host();
    return switch (worst) {
      case secure -> CheckResult.pass(ID, host, "the A, AAAA and TLSA answers for " + host + " validate");
      case bogus -> CheckResult.fail(ID, host, "DNSSEC bogus: validation fails for " + offending
          + ": validating senders cannot deliver to " + host);
      case insecure -> profile.requiresDane()
          ? CheckResult.fail(ID, host, "not DNSSEC-signed: " + offending + "; " + profile + " requires DNSSEC")
          : CheckResult.warn(ID, host, "not DNSSEC-signed: " + offending + "; senders cannot use DANE for " + host);
      case indeterminate -> profile.requiresDane()
          ? CheckResult.fail(ID, host, "DNSSEC state unknown: " + offending)
          : CheckResult.warn(ID, host, "DNSSEC state unknown: " + offending);
    };
  }
}
