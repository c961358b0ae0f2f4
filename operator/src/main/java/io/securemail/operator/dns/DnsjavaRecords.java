package io.securemail.operator.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Conversion between the operator's {@link DnsRecord} and dnsjava's wire-level records. */
public final class DnsjavaRecords {

  private DnsjavaRecords() {}

  public static Record toRecord(DnsRecord record) {
    try {
      return Record.fromString(name(record.name()), Type.value(record.type()), DClass.IN, record.ttl(),
          record.value(), Name.root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse record " + record.toZoneLine(), e);
    }
  }

  public static DnsRecord fromRecord(Record record) {
    return new DnsRecord(record.getName().toString(), Type.string(record.getType()), record.rdataToString(),
        (int) record.getTTL());
  }

  public static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + text, e);
    }
  }

  /** Same owner, type and data (RFC 2136 section 1.1.1: "identical" RRs ignore the TTL). */
  public static boolean sameData(DnsRecord a, DnsRecord b) {
    return toRecord(a).equals(toRecord(b));
  }
}
