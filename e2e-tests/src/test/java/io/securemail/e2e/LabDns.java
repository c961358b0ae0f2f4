package io.securemail.e2e;

import io.securemail.lab.dns.DnsLab;
import io.securemail.lab.dns.ZoneUpdates;
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

  /** The record data Knot serves at name/type (presentation format). */
  static List<String> served(DnsLab dns, String name, int type) throws IOException {
    return servedAt(dns.authoritativeAddress(), dns.authoritativePort(), name, type);
  }

  /** Like {@link #served}, but asks the lab's BIND (the second RFC 2136 implementation) directly. */
  static List<String> servedByBind(DnsLab dns, String name, int type) throws IOException {
    return servedAt(dns.bindAddress(), dns.bindPort(), name, type);
  }

  /** Adds a record to Knot that the operator did not publish (someone else's), with the lab's TSIG key. */
  static void addForeign(DnsLab dns, String zone, String zoneLine) throws IOException {
    addAt(dns, dns.authoritativeAddress(), dns.authoritativePort(), zone, zoneLine);
  }

  /** Like {@link #addForeign}, several records in one UPDATE message. */
  static void addForeign(DnsLab dns, String zone, List<String> zoneLines) throws IOException {
    ZoneUpdates.add(dns, dns.authoritativeAddress(), dns.authoritativePort(), zone, zoneLines);
  }

  /** Like {@link #addForeign}, but at the lab's BIND. */
  static void addForeignAtBind(DnsLab dns, String zone, String zoneLine) throws IOException {
    addAt(dns, dns.bindAddress(), dns.bindPort(), zone, zoneLine);
  }

  private static List<String> servedAt(String address, int port, String name, int type) throws IOException {
    Message response = resolver(address, port).send(
        Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    return response.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type)
        .map(Record::rdataToString).toList();
  }

  private static void addAt(DnsLab dns, String address, int port, String zone, String zoneLine) throws IOException {
    ZoneUpdates.add(dns, address, port, zone, zoneLine);
  }

  private static SimpleResolver resolver(String address, int port) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(address));
    resolver.setPort(port);
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(5));
    return resolver;
  }
}
