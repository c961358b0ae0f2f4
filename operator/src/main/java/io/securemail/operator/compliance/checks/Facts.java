package io.securemail.operator.compliance.checks;

import io.securemail.operator.compliance.DomainObservation;
import io.securemail.operator.compliance.MxObservation;
import io.securemail.operator.compliance.dane.TlsaRecord;
import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import io.securemail.operator.compliance.mtasts.StsTxtRecord;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Conclusions several checks share, drawn from the observations in one place. */
final class Facts {

  private Facts() {}

  /** Parsed TLSA records of a host, when the answer is DNSSEC-secure (RFC 7672 section 2.2: only then do senders use them). */
  static List<TlsaRecord> secureTlsa(MxObservation mx) {
    if (mx.tlsa().outcome() != DnsAnswer.Outcome.ANSWER || mx.tlsa().dnssec() != DnssecState.secure) {
      return List.of();
    }
    return mx.tlsa().data().stream().map(TlsaRecord::parse).flatMap(Optional::stream).toList();
  }

  /** The records a DANE sender uses to authenticate this host; empty means DANE does not apply. */
  static List<TlsaRecord> usableTlsa(MxObservation mx) {
    return secureTlsa(mx).stream().filter(TlsaRecord::usable).toList();
  }

  /** The worst of several states: bogus, then indeterminate, then insecure, then secure. */
  static DnssecState worst(DnssecState... states) {
    List<DnssecState> order = List.of(DnssecState.secure, DnssecState.insecure, DnssecState.indeterminate,
        DnssecState.bogus);
    return Arrays.stream(states).max(Comparator.comparingInt(order::indexOf)).orElse(DnssecState.indeterminate);
  }

  /** Both address lookups validated: DANE can apply to the host (RFC 7672 section 2.2.2). */
  static boolean addressesSecure(MxObservation mx) {
    return mx.ipv4().dnssec() == DnssecState.secure && mx.ipv6().dnssec() == DnssecState.secure;
  }

  /** The one valid MTA-STS TXT record, if the domain has exactly one (RFC 8461 section 3.1). */
  static Optional<StsTxtRecord> stsRecord(DomainObservation o) {
    if (!o.mtaStsTxt().answered()) {
      return Optional.empty();
    }
    List<String> candidates = StsTxtRecord.candidates(o.mtaStsTxt().data());
    return candidates.size() == 1 ? StsTxtRecord.parse(candidates.get(0)).optional() : Optional.empty();
  }

  /** The policy a sender would apply: a valid record and a fetched policy that parses. */
  static Optional<StsPolicy> stsPolicy(DomainObservation o) {
    if (stsRecord(o).isEmpty() || o.policy() == null || !o.policy().ok()) {
      return Optional.empty();
    }
    return StsPolicy.parse(o.policy().body()).optional();
  }

  static String tlsaList(List<TlsaRecord> records) {
    return String.join(", ", records.stream().map(TlsaRecord::shortForm).toList());
  }
}
