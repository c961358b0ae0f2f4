package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dns.DnsAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** dns.mx: the domain has MX records, and every MX host resolves to at least one address. */
final class DnsMx implements Check {

  static final String ID = "dns.mx";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    DnsAnswer mx = o.mx();
    String domain = o.domain();
    List<CheckResult> results = new ArrayList<>();
    switch (mx.outcome()) {
      case ERROR, UNREACHABLE -> results.add(CheckResult.fail(ID, domain, "the MX lookup failed: " + mx.detail()));
      case NXDOMAIN -> results.add(CheckResult.fail(ID, domain, domain + " does not exist in the DNS (NXDOMAIN)"));
      case NODATA -> results.add(CheckResult.fail(ID, domain, "no MX records: senders fall back to the address of "
          + domain + " itself (RFC 5321 section 5.1), which neither DANE nor MTA-STS can protect here"));
      case ANSWER -> {
        if (o.mxHosts().isEmpty()) {
          results.add(CheckResult.fail(ID, domain, "null MX (RFC 7505): " + domain + " accepts no mail"));
        } else {
          results.add(CheckResult.pass(ID, domain, o.mxHosts().size() + " MX host(s): " + String.join(", ",
              o.mxHosts().stream().map(h -> h.host() + " (" + h.preference() + ")").toList())));
        }
      }
    }
    for (MxObservation host : o.mxHosts()) {
      if (!host.addresses().isEmpty()) {
        results.add(CheckResult.pass(ID, host.host(), "resolves to " + String.join(", ", host.addresses())));
      } else {
        results.add(CheckResult.fail(ID, host.host(), "no address: " + host.ipv4().describe() + "; "
            + host.ipv6().describe() + " (senders cannot reach this MX host)"));
      }
    }
    return results;
  }
}
