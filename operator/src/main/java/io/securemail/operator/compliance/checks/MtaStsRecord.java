package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.mtasts.Parsed;
import io.securemail.operator.compliance.mtasts.StsTxtRecord;
import java.time.Instant;
import java.util.List;

/** mtasts.record: exactly one valid {@code v=STSv1; id=...} TXT record at {@code _mta-sts.<domain>} (RFC 8461 section 3.1). */
final class MtaStsRecord implements Check {

  static final String ID = "mtasts.record";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<CheckResult> evaluate(DomainObservation o, Profile profile, Instant now) {
    DnsAnswer txt = o.mtaStsTxt();
    String name = "_mta-sts." + o.domain();
    if (!txt.answered()) {
      return List.of(CheckResult.fail(ID, name, "the TXT lookup failed: " + txt.detail()));
    }
    List<String> candidates = StsTxtRecord.candidates(txt.data());
    if (candidates.isEmpty()) {
      return List.of(profile.requiresMtaSts()
          ? CheckResult.fail(ID, name, "no v=STSv1 TXT record: " + profile + " requires MTA-STS")
          : CheckResult.skip(ID, name, "no v=STSv1 TXT record: " + o.domain() + " does not use MTA-STS"));
    }
    if (candidates.size() > 1) {
      return List.of(CheckResult.fail(ID, name, candidates.size() + " v=STSv1 TXT records (" + String.join(" | ",
          candidates) + "): senders treat the domain as having no MTA-STS policy (RFC 8461 section 3.1)"));
    }
    Parsed<StsTxtRecord> record = StsTxtRecord.parse(candidates.get(0));
    if (!record.ok()) {
      return List.of(CheckResult.fail(ID, name, "'" + candidates.get(0) + "' is not a valid MTA-STS record: "
          + record.error() + " (RFC 8461 section 3.1)"));
    }
    return List.of(CheckResult.pass(ID, name, "v=STSv1, id=" + record.value().id()));
  }
}
