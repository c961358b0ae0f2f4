package io.securemail.operator.dns;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.dns.TxtData;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the operator's desired records are visible, looked up the way a sending MTA looks them
 * up: through the compliance engine's {@link DnsProbe}, so the DNSSEC state is the one the
 * compliance checks see (validated in-process unless the resolver's AD bit is configured).
 */
public final class RecordLookup {

  /** What DNS shows for one desired record. */
  public record Observation(DnsRecord record, boolean observed, DnssecState dnssec, String detail) {}

  private RecordLookup() {}

  /** Looks each name and type up once, however many desired records share it. */
  public static List<Observation> observe(DnsProbe dns, List<DnsRecord> records) {
    Map<String, DnsAnswer> answers = new HashMap<>();
    return records.stream().map(record -> {
      DnsAnswer answer = answers.computeIfAbsent(record.name().toLowerCase() + " " + record.type(),
          k -> dns.lookup(record.name(), record.type()));
      return new Observation(record, shows(answer, record), answer.dnssec(), answer.detail());
    }).toList();
  }

  /**
   * Whether the answer holds the record's data. TXT data is compared as the text it carries, since
   * readers concatenate the character-strings (RFC 7208 section 3.3); other types as dnsjava's
   * records (RFC 2136 section 1.1.1: same owner, type and data, whatever the TTL).
   */
  static boolean shows(DnsAnswer answer, DnsRecord record) {
    if ("TXT".equals(record.type())) {
      return answer.data().contains(TxtData.text(record.value()));
    }
    return answer.data().stream().anyMatch(data -> sameData(record, data));
  }

  private static boolean sameData(DnsRecord record, String data) {
    try {
      return DnsjavaRecords.sameData(record, new DnsRecord(record.name(), record.type(), data, record.ttl()));
    } catch (UncheckedIOException e) {
      return false; // data dnsjava cannot read back is not the record's
    }
  }
}
