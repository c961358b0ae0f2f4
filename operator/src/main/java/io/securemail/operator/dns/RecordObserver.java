package io.securemail.operator.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Looks records up the way a sending mail server would: through a validating resolver. DNSSEC
 * state comes from that resolver's AD bit (RFC 4035 section 3.2.3); this is only as trustworthy as
 * the path to the resolver, so configure one on loopback or inside the cluster (docs/dns.md).
 * A signed record set that fails validation comes back SERVFAIL and is reported as bogus.
 */
public final class RecordObserver {

  /** DNSSEC state of one record set as seen through the resolver (RFC 4035 section 4.3). */
  public enum Dnssec { secure, insecure, bogus, indeterminate }

  /** What the resolver returned for one desired record. */
  public record Observation(DnsRecord record, boolean observed, Dnssec dnssec, String detail) {}

  private final List<InetSocketAddress> resolvers;
  private final Duration timeout;

  public RecordObserver(List<InetSocketAddress> resolvers, Duration timeout) {
    this.resolvers = resolvers;
    this.timeout = timeout;
  }

  public List<Observation> observe(List<DnsRecord> records) {
    Map<String, Answer> answers = new HashMap<>();
    return records.stream().map(record -> {
      Answer answer = answers.computeIfAbsent(record.name().toLowerCase() + " " + record.type(), k -> lookup(record));
      boolean observed = answer.records().stream().anyMatch(r -> DnsjavaRecords.sameData(r, record));
      return new Observation(record, observed, answer.dnssec(), answer.detail());
    }).toList();
  }

  /** The data of every record of one type at a name, as the resolver returns it (an MX host's addresses). */
  public List<String> values(String name, String type) {
    return lookup(new DnsRecord(name.endsWith(".") ? name : name + ".", type, "", 0)).records().stream()
        .map(DnsRecord::value).toList();
  }

  private record Answer(List<DnsRecord> records, Dnssec dnssec, String detail) {}

  private Answer lookup(DnsRecord record) {
    Name name = DnsjavaRecords.name(record.name());
    int type = Type.value(record.type());
    Message query = Message.newQuery(Record.newRecord(name, type, 1));
    // Ask for DNSSEC processing (DO, RFC 3225) and for the AD bit in the answer (RFC 6840 section 5.7).
    query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    query.getHeader().setFlag(Flags.AD);
    String lastError = "no resolver configured";
    for (InetSocketAddress address : resolvers) {
      try {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(address.getHostString()));
        resolver.setPort(address.getPort());
        resolver.setTimeout(timeout);
        Message response = resolver.send(query);
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) {
          return new Answer(List.of(), Dnssec.bogus, "the resolver answered SERVFAIL (DNSSEC validation failure?)");
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
          return new Answer(List.of(), Dnssec.indeterminate, "the resolver answered " + Rcode.string(rcode));
        }
        Dnssec dnssec = response.getHeader().getFlag(Flags.AD) ? Dnssec.secure : Dnssec.insecure;
        List<DnsRecord> found = response.getSection(Section.ANSWER).stream()
            .filter(r -> r.getType() == type && r.getName().equals(name))
            .map(DnsjavaRecords::fromRecord).toList();
        return new Answer(found, dnssec, Rcode.string(rcode));
      } catch (IOException e) {
        lastError = "resolver " + address.getHostString() + ":" + address.getPort() + " did not answer: " + e.getMessage();
      }
    }
    return new Answer(List.of(), Dnssec.indeterminate, lastError);
  }
}
