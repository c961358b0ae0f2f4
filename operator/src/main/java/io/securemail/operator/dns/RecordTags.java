package io.securemail.operator.dns;

import io.securemail.operator.compliance.dns.TxtData;
import java.util.List;

/**
 * Which foreign records clash with ours. TXT-based policies are defined as "exactly one record
 * with this version tag" (RFC 8461 section 3.1 for v=STSv1, RFC 8460 section 3 for v=TLSRPTv1):
 * adding ours beside a foreign one would break both, so ours waits and the clash is reported.
 * Other types (MX, TLSA, addresses) are sets: ours can stand beside foreign ones.
 */
final class RecordTags {

  private RecordTags() {}

  /** The foreign record at {@code want}'s name that clashes with it, or null. */
  static DnsRecord conflicting(DnsRecord want, List<DnsRecord> served, List<DnsRecord> ledger) {
    String tag = tag(want);
    if (tag == null) {
      return null;
    }
    for (DnsRecord s : served) {
      boolean ours = DnsjavaRecords.sameData(s, want) || ledger.stream().anyMatch(l -> DnsjavaRecords.sameData(l, s));
      if (!ours && tag.equals(tag(s))) {
        return s;
      }
    }
    return null;
  }

  /** "v=STSv1" for a TXT record starting with that tag; null for other records. */
  static String tag(DnsRecord record) {
    if (!"TXT".equals(record.type())) {
      return null;
    }
    String text = TxtData.text(record.value()).trim();
    int end = text.indexOf(';');
    String first = (end < 0 ? text : text.substring(0, end)).trim();
    return first.startsWith("v=") ? first : null;
  }
}
