package io.securemail.lab.dns;

import java.io.EOFException;
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
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Records the lab itself adds to its zones (an MX host's address, a record someone else owns), sent
 * as RFC 2136 updates signed with the lab's TSIG key, as any other zone editor would.
 */
public final class ZoneUpdates {

  private ZoneUpdates() {}

  /** Adds {@code zoneLine} ("name ttl IN type rdata") to the zone at Knot. */
  public static void add(DnsLab dns, String zone, String zoneLine) throws IOException {
    add(dns, dns.authoritativeAddress(), dns.authoritativePort(), zone, zoneLine);
  }

  /** Adds {@code zoneLine} to the zone at the server at address:port (Knot or the lab's BIND). */
  public static void add(DnsLab dns, String address, int port, String zone, String zoneLine) throws IOException {
    add(dns, address, port, zone, List.of(zoneLine));
  }

  /** Adds every zone line in one UPDATE message (RFC 2136 section 3.4: applied together or not at all). */
  public static void add(DnsLab dns, String address, int port, String zone, List<String> zoneLines)
      throws IOException {
    Update update = new Update(Name.fromString(zone + "."));
    for (String zoneLine : zoneLines) {
      update.add(parse(zoneLine));
    }
    send(dns, address, port, update);
  }

  /**
   * Makes Knot serve exactly {@code zoneLines} at every name and type they name, in one UPDATE: each
   * such RRset is deleted and the lines added (RFC 2136 section 2.5.2 then 2.5.1), as a person
   * editing the zone by hand or external-dns replacing a record would.
   */
  public static void replace(DnsLab dns, String zone, List<String> zoneLines) throws IOException {
    Update update = deletingRrsets(zone, zoneLines);
    zoneLines.stream().map(ZoneUpdates::parseUnchecked).forEach(update::add);
    send(dns, dns.authoritativeAddress(), dns.authoritativePort(), update);
  }

  /** Deletes, in one UPDATE, every RRset at the names and types {@code zoneLines} name, whatever it holds. */
  public static void deleteRrsets(DnsLab dns, String zone, List<String> zoneLines) throws IOException {
    send(dns, dns.authoritativeAddress(), dns.authoritativePort(), deletingRrsets(zone, zoneLines));
  }

  /** An UPDATE of the zone that deletes each RRset the lines name (section 2.5.2), once. */
  private static Update deletingRrsets(String zone, List<String> zoneLines) throws IOException {
    Update update = new Update(Name.fromString(zone + "."));
    zoneLines.stream().map(ZoneUpdates::parseUnchecked).map(RrSet::of).distinct()
        .forEach(rrset -> update.delete(rrset.name(), rrset.type()));
    return update;
  }

  private static void send(DnsLab dns, String address, int port, Update update) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(address));
    resolver.setPort(port);
    resolver.setTCP(true);
    resolver.setTimeout(Duration.ofSeconds(5));
    resolver.setTSIGKey(new TSIG(Name.fromString(dns.tsigAlgorithm() + "."), Name.fromString(dns.tsigKeyName() + "."),
        Base64.getDecoder().decode(dns.tsigSecret())));
    Message response;
    try {
      response = resolver.send(update);
    } catch (EOFException e) {
      // dnsjava keeps one TCP connection per server for all resolvers of the JVM, and Knot may have
      // closed it (after an update it answered, or idle) as this message went out. Sent once more on
      // a new connection: an UPDATE that adds or deletes RRsets is idempotent (RFC 2136 section
      // 3.4.2), so one applied before the close changes nothing the second time.
      response = resolver.send(update);
    }
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException("lab update refused by " + address + ": " + Rcode.string(response.getRcode()));
    }
  }

  /** An RRset's identity in a zone: owner name and type. */
  private record RrSet(Name name, int type) {
    static RrSet of(Record record) {
      return new RrSet(record.getName(), record.getType());
    }
  }

  private static Record parseUnchecked(String zoneLine) {
    try {
      return parse(zoneLine);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("not a zone line: " + zoneLine, e);
    }
  }

  private static Record parse(String zoneLine) throws IOException {
    String[] parts = zoneLine.split("\\s+", 5); // name ttl IN type rdata
    return Record.fromString(Name.fromString(parts[0]), Type.value(parts[3]), DClass.IN, Long.parseLong(parts[1]),
        parts[4], Name.root);
  }
}
