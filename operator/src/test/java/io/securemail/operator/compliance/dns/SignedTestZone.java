package io.securemail.operator.compliance.dns;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A recursive resolver as a validating client sees it, on a loopback port: records of one signed
 * zone come with their RRSIG (RFC 4034 section 3), the zone's DNSKEY serving as trust anchor;
 * records outside the zone come unsigned. A record can be added forged (signed by a key that is
 * not the zone's), and the resolver can claim the AD bit on every answer, as a lying resolver, or
 * anyone on the path to it, can (RFC 4035 section 4.9.3).
 */
public final class SignedTestZone implements AutoCloseable {

  private final Name zone;
  private final KeyPair key;
  private final KeyPair forger;
  private final DNSKEYRecord dnskey;
  private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
  private final Set<Name> forged = ConcurrentHashMap.newKeySet();
  private final TestDnsServer server;
  private volatile boolean claimAuthenticData;

  public SignedTestZone(String zone) throws Exception {
    this.zone = Name.fromString(zone.endsWith(".") ? zone : zone + ".");
    this.key = ecKey();
    this.forger = ecKey();
    this.dnskey = new DNSKEYRecord(this.zone, DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256, key.getPublic());
    this.server = new TestDnsServer(this::answer);
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** Serves the record: signed inside the zone, unsigned outside it. */
  public SignedTestZone add(Record record) {
    records.computeIfAbsent(key(record.getName(), record.getType()), k -> new ArrayList<>()).add(record);
    return this;
  }

  /** Serves the record with a signature by another key: validation fails (bogus). */
  public SignedTestZone addForged(Record record) {
    forged.add(record.getName());
    return add(record);
  }

  /** Sets AD on every answer, whatever the data. */
  public SignedTestZone claimAuthenticData() {
    claimAuthenticData = true;
    return this;
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /** The zone's key-signing key, as a trust anchor for in-process validation. */
  public TrustAnchors anchors() {
    return TrustAnchors.parse(dnskey.toString());
  }

  private static String key(Name name, int type) {
    return name.toString().toLowerCase() + " " + Type.string(type);
  }

  private Message answer(Message query) {
    Message response = TestDnsServer.responseTo(query);
    Name name = query.getQuestion().getName();
    int type = query.getQuestion().getType();
    if (claimAuthenticData) {
      response.getHeader().setFlag(Flags.AD);
    }
    List<Record> data = type == Type.DNSKEY && name.equals(zone) ? List.of(dnskey)
        : records.getOrDefault(key(name, type), List.of());
    if (data.isEmpty()) {
      return response; // NODATA, without the NSEC proof a signed zone would give: not asked by these tests
    }
    data.forEach(r -> response.addRecord(r, Section.ANSWER));
    if (name.subdomain(zone)) {
      KeyPair signer = forged.contains(name) ? forger : key;
      Instant now = Instant.now();
      try {
        RRset rrset = new RRset();
        data.forEach(rrset::addRR);
        response.addRecord(DNSSEC.sign(rrset, dnskey, signer.getPrivate(), now.minusSeconds(3600),
            now.plusSeconds(3600)), Section.ANSWER);
      } catch (DNSSEC.DNSSECException e) {
        throw new IllegalStateException(e);
      }
    }
    return response;
  }

  @Override
  public void close() {
    server.close();
  }
}
