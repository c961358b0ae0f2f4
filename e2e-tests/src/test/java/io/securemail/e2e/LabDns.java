package io.securemail.e2e;

import io.securemail.lab.DnsLab;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** Direct access to the lab's authoritative server, independent of the operator under test. */
final class LabDns {

  private LabDns() {}

  /** The record data served by the authoritative server at name/type (presentation format). */
  static List<String> served(DnsLab dns, String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(dns.authoritativeAddress()));
    resolver.setPort(dns.authoritativePort());
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(5));
    Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type)
        .map(Record::rdataToString).toList();
  }

  /** Adds a record the operator did not publish (someone else's), with the lab's TSIG key. */
  static void addForeign(DnsLab dns, String zone, String zoneLine) throws IOException {
    Update update = new Update(Name.fromString(zone + "."));
    update.add(parse(zoneLine));
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(dns.authoritativeAddress()));
    resolver.setPort(dns.authoritativePort());
    resolver.setTCP(true);
    resolver.setTSIGKey(new TSIG(Name.fromString(dns.tsigAlgorithm() + "."), Name.fromString(dns.tsigKeyName() + "."),
        Base64.getDecoder().decode(dns.tsigSecret())));
    Message response = resolver.send(update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException("lab update refused: " + Rcode.string(response.getRcode()));
    }
  }

  /** Like {@link #served}, but asks the lab's BIND (the second RFC 2136 implementation) directly. */
  static List<String> servedByBind(DnsLab dns, String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(dns.bindAddress()));
    resolver.setPort(dns.bindPort());
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(5));
    Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type)
        .map(Record::rdataToString).toList();
  }

  /** Like {@link #addForeign}, but at the lab's BIND. */
  static void addForeignAtBind(DnsLab dns, String zone, String zoneLine) throws IOException {
    Update update = new Update(Name.fromString(zone + "."));
    update.add(parse(zoneLine));
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(dns.bindAddress()));
    resolver.setPort(dns.bindPort());
    resolver.setTCP(true);
    resolver.setTSIGKey(new TSIG(Name.fromString(dns.tsigAlgorithm() + "."), Name.fromString(dns.tsigKeyName() + "."),
        Base64.getDecoder().decode(dns.tsigSecret())));
    Message response = resolver.send(update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException("lab update refused by BIND: " + Rcode.string(response.getRcode()));
    }
  }

  private static Record parse(String zoneLine) throws IOException {
    String[] parts = zoneLine.split("\\s+", 5); // name ttl IN type rdata
    return Record.fromString(Name.fromString(parts[0]), Type.value(parts[3]), DClass.IN, Long.parseLong(parts[1]),
        parts[4], Name.root);
  }
}
