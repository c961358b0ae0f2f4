package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponseFingerprintTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static final Name HOST = Name.fromConstantString("mx1.example.test.");
  private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  private static KeyPair key;
  private static DNSKEYRecord dnskey;

  @BeforeAll
  static void zoneKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    key = generator.generateKeyPair();
    dnskey = new DNSKEYRecord(ZONE, DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256, key.getPublic());
  }

  private static ARecord a(String address, long ttl) throws Exception {
    return new ARecord(HOST, DClass.IN, ttl, InetAddress.getByName(address));
  }

  private static RRSIGRecord sign(Record... records) throws Exception {
    RRset set = new RRset();
    for (Record r : records) {
      set.addRR(r);
    }
    return DNSSEC.sign(set, dnskey, key.getPrivate(), NOW.minusSeconds(3600), NOW.plusSeconds(600));
  }

  private static Message response(Record... records) {
    Message response = new Message(4711);
    response.addRecord(Record.newRecord(HOST, Type.A, DClass.IN), Section.QUESTION);
    for (Record r : records) {
      response.addRecord(r, Section.ANSWER);
    }
    return response;
  }

  @Test
  void ttlsAndOrderDoNotChangeTheFingerprintButAnyRecordOrSignatureDoes() throws Exception {
    RRSIGRecord signature = sign(a("192.0.2.10", 300), a("192.0.2.11", 300));
    ResponseFingerprint original = ResponseFingerprint.of(response(a("192.0.2.10", 300), a("192.0.2.11", 300),
        signature));

    // A resolver counts TTLs down and may rotate the records: the same data, the same verdict.
    assertThat(ResponseFingerprint.of(response(a("192.0.2.11", 120), signature, a("192.0.2.10", 120))))
        .isEqualTo(original);
    // One address changed under the old signature: validated afresh (and found bogus).
    assertThat(ResponseFingerprint.of(response(a("192.0.2.10", 300), a("192.0.2.66", 300), signature)))
        .isNotEqualTo(original);
    // The same data signed again (a new signature): validated afresh.
    assertThat(ResponseFingerprint.of(response(a("192.0.2.10", 300), a("192.0.2.11", 300),
        sign(a("192.0.2.10", 300), a("192.0.2.11", 300))))).isNotEqualTo(original);
    // Another question with the same records.
    Message other = new Message(4711);
    other.addRecord(Record.newRecord(HOST, Type.AAAA, DClass.IN), Section.QUESTION);
    other.addRecord(a("192.0.2.10", 300), Section.ANSWER);
    assertThat(ResponseFingerprint.of(other)).isNotEqualTo(ResponseFingerprint.of(response(a("192.0.2.10", 300))));
  }

  @Test
  void aVerdictLivesNoLongerThanTheTtlsAndTheSignaturesAllow() throws Exception {
    RRSIGRecord signature = sign(a("192.0.2.10", 300));
    // The TTL as received is the shortest.
    assertThat(ResponseFingerprint.lifetime(response(a("192.0.2.10", 45), signature), NOW))
        .isEqualTo(Duration.ofSeconds(45));
    // The signature expires in 600 s, before the TTL would end.
    assertThat(ResponseFingerprint.lifetime(response(a("192.0.2.10", 3600)), NOW)).isEqualTo(Duration.ofHours(1));
    RRSIGRecord longLived = new RRSIGRecord(HOST, DClass.IN, 7200, Type.A, DNSSEC.Algorithm.ECDSAP256SHA256, 7200,
        NOW.plusSeconds(600), NOW.minusSeconds(3600), dnskey.getFootprint(), ZONE, signature.getSignature());
    assertThat(ResponseFingerprint.lifetime(response(a("192.0.2.10", 7200), longLived), NOW))
        .isEqualTo(Duration.ofSeconds(600));
    // An expired signature: not to be reused at all.
    assertThat(ResponseFingerprint.lifetime(response(a("192.0.2.10", 300), signature), NOW.plusSeconds(601)))
        .isNegative();
    // Nothing to vouch for it.
    assertThat(ResponseFingerprint.lifetime(response(), NOW)).isZero();
  }
}
