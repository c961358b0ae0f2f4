package io.securemail.operator.dns;

import io.securemail.operator.compliance.dns.DnssecState;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How secure the observed records must be before DnsPublished may say True. Records a validating
 * resolver rejects (bogus) never count as published: senders that validate cannot see them at all,
 * MX included (RFC 4035 section 5.5). Records that are only insecure (an unsigned zone, or no DS at
 * the parent) are published, but TLSA records among them do nothing: senders use TLSA only when it
 * validates (RFC 7672 section 2.2). So with DANE enabled they count as published only once they are
 * secure; with DANE disabled insecure is acceptable, and the True message says so.
 */
final class DnssecRequirement {

  /** DnsPublished while some observed records are DNSSEC-bogus, whatever spec.dane says. */
  static final String BOGUS = "RecordsBogus";
  /** DnsPublished while DANE is enabled and some observed records are DNSSEC-insecure. */
  static final String INSECURE = "RecordsInsecure";

  /** Why the records do not count as published yet: DnsPublished's reason and message. */
  record Unmet(String reason, String message) {}

  private DnssecRequirement() {}

  /** Bogus records, observed or not: they are never observed while they fail validation. */
  static Optional<Unmet> bogus(List<RecordLookup.Observation> observations) {
    List<RecordLookup.Observation> bogus = with(observations, DnssecState.bogus);
    if (bogus.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Unmet(BOGUS, bogus.size() + " of " + observations.size() + " records fail DNSSEC "
        + "validation (bogus), so validating resolvers answer SERVFAIL for them and senders that validate cannot "
        + "deliver mail to the domain: " + names(bogus) + detail(bogus) + ". The zone's signatures or its DS record "
        + "at the parent are wrong: re-sign the zone (expired or missing signatures) or make the parent's DS "
        + "record match a DNSKEY of the zone."));
  }

  /** Insecure records among those observed, when DANE is enabled. */
  static Optional<Unmet> insecure(List<RecordLookup.Observation> observations, boolean daneEnabled) {
    List<RecordLookup.Observation> insecure = with(observations, DnssecState.insecure);
    if (!daneEnabled || insecure.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Unmet(INSECURE, insecure.size() + " of " + observations.size() + " records are served "
        + "but not DNSSEC-signed (insecure): " + names(insecure) + ". Senders ignore TLSA records that do not "
        + "validate (RFC 7672 section 2.2), so DANE does not protect this domain yet. Sign the zone that holds "
        + "them and publish its DS record at the parent; or set spec.dane.enabled to false to publish without "
        + "DANE."));
  }

  /** The end of the True message: what DNSSEC says of the observed records. */
  static String summary(List<RecordLookup.Observation> observations) {
    return with(observations, DnssecState.insecure).isEmpty() ? " and validate (DNSSEC secure)"
        : "; some are not DNSSEC-signed (insecure), which is acceptable only because spec.dane.enabled is false: "
            + "DANE needs a signed zone";
  }

  private static List<RecordLookup.Observation> with(List<RecordLookup.Observation> observations,
      DnssecState state) {
    return observations.stream().filter(o -> o.dnssec() == state).toList();
  }

  /** "name TYPE" of each record, once per name and type. */
  private static String names(List<RecordLookup.Observation> observations) {
    Set<String> names = new LinkedHashSet<>();
    observations.forEach(o -> names.add(o.record().name() + " " + o.record().type()));
    return String.join(", ", names);
  }

  /** The validator's words for the first record that has some, e.g. the Extended DNS Error. */
  private static String detail(List<RecordLookup.Observation> observations) {
    return observations.stream().map(RecordLookup.Observation::detail).filter(d -> d != null && !d.isBlank())
        .findFirst().map(d -> " (" + d + ")").orElse("");
  }
}
