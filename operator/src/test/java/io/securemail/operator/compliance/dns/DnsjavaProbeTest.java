package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Both DNSSEC modes of the DNS probe against an in-JVM responder. */
class DnsjavaProbeTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static KeyPair zoneKey;
  private static DNSKEYRecord dnskey;

  @BeforeAll
  static void zoneKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    zoneKey = generator.generateKeyPair();
    dnskey = new DNSKEYRecord(ZONE, DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256, zoneKey.getPublic());
  }

  private static DnsjavaProbe adBit(TestDnsServer server) {
    return DnsjavaProbe.create(List.of(server.address()), DnssecMode.RESOLVER_AD, TrustAnchors.root(), Duration.ofSeconds(2));
  }

  @Test
  void adBitModeTrustsTheResolversVerdict() throws Exception {
    try (TestDnsServer server = new TestDnsServer(query -> {
      Message response = TestDnsServer.responseTo(query);
      Name name = query.getQuestion().getName();
      if (name.toString().startsWith("bogus.")) {
        response.getHeader().setRcode(Rcode.SERVFAIL);
        response.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ExtendedErrorCodeOption(
            ExtendedErrorCodeOption.SIGNATURE_EXPIRED, "RRSIG expired"))), Section.ADDITIONAL);
        return response;
      }
      response.addRecord(new MXRecord(name, DClass.IN, 300, 10, Name.fromConstantString("mx1." + name)), Section.ANSWER);
      if (name.toString().startsWith("secure.")) {
        response.getHeader().setFlag(Flags.AD);
      }
      return response;
    })) {
      DnsjavaProbe probe = adBit(server);
      DnsAnswer secure = probe.lookup("secure.example.test", "MX");
      assertThat(secure.dnssec()).isEqualTo(DnssecState.secure);
      assertThat(secure.data()).containsExactly("10 mx1.secure.example.test.");
      assertThat(probe.lookup("plain.example.test", "MX").dnssec()).isEqualTo(DnssecState.insecure);
      DnsAnswer bogus = probe.lookup("bogus.example.test", "MX");
      assertThat(bogus.outcome()).isEqualTo(DnsAnswer.Outcome.ERROR);
      assertThat(bogus.dnssec()).isEqualTo(DnssecState.bogus);
      assertThat(bogus.detail()).isEqualTo("SERVFAIL (signature expired: RRSIG expired)");
    }
  }

  @Test
  void txtRecordsAreJoinedPerRecord() throws Exception {
    try (TestDnsServer server = new TestDnsServer(query -> {
      Message response = TestDnsServer.responseTo(query);
      response.addRecord(new TXTRecord(query.getQuestion().getName(), DClass.IN, 300,
          List.of("v=STSv1; ", "id=2024")), Section.ANSWER);
      return response;
    })) {
      assertThat(adBit(server).lookup("_mta-sts.example.test", "TXT").data()).containsExactly("v=STSv1; id=2024");
    }
  }

  /** A signed zone validated in-process from its DNSKEY as trust anchor: secure, bogus and insecure answers. */
  @Test
  void validatesInProcessFromATrustAnchor() throws Exception {
    try (TestDnsServer server = new TestDnsServer(DnsjavaProbeTest::signedZone)) {
      DnsjavaProbe probe = DnsjavaProbe.create(List.of(server.address()), DnssecMode.VALIDATE,
          TrustAnchors.parse(dnskey.toString()), Duration.ofSeconds(2));

      DnsAnswer secure = probe.lookup("mx1.example.test", "A");
      assertThat(secure.dnssec()).as(secure.detail()).isEqualTo(DnssecState.secure);
      assertThat(secure.data()).containsExactly("192.0.2.10");

      DnsAnswer bogus = probe.lookup("forged.example.test", "A");
      assertThat(bogus.dnssec()).isEqualTo(DnssecState.bogus);
      assertThat(bogus.outcome()).isEqualTo(DnsAnswer.Outcome.ERROR);
      assertThat(bogus.detail()).startsWith("SERVFAIL (");

      // No trust anchor covers another zone: validation cannot start, the answer is insecure.
      DnsAnswer insecure = probe.lookup("mx1.unsigned.test", "A");
      assertThat(insecure.dnssec()).isEqualTo(DnssecState.insecure);
      // The validator's reason is the whole detail: checks put it in parentheses after the name.
      assertThat(insecure.detail()).isNotBlank().doesNotStartWith(":");
    }
  }

  /** Answers as a recursive resolver passing signatures through: the data signed with the zone key. */
  private static Message signedZone(Message query) {
    Message response = TestDnsServer.responseTo(query);
    Name name = query.getQuestion().getName();
    int type = query.getQuestion().getType();
    try {
      Record record;
      if (type == Type.DNSKEY && name.equals(ZONE)) {
        record = dnskey;
      } else if (type == Type.A) {
        record = new ARecord(name, DClass.IN, 300, InetAddress.getByName("192.0.2.10"));
      } else {
        return response; // NODATA, unsigned: not asked by these tests
      }
      response.addRecord(record, Section.ANSWER);
      if (name.subdomain(ZONE)) {
        Record signed = name.toString().startsWith("forged.")
            ? new ARecord(name, DClass.IN, 300, InetAddress.getByName("192.0.2.66")) : record;
        Instant now = Instant.now();
        response.addRecord(DNSSEC.sign(new RRset(signed), dnskey, zoneKey.getPrivate(), now.minusSeconds(3600),
            now.plusSeconds(3600)), Section.ANSWER);
      }
      return response;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An identical signed response is validated once and its verdict reused; the same question with
   * another record under the old signature is validated again (bogus) and that verdict is not kept.
   */
  @Test
  void aVerdictIsReusedOnlyForAnIdenticalResponse() throws Exception {
    ARecord genuine = new ARecord(Name.fromConstantString("mx1.example.test."), DClass.IN, 300,
        InetAddress.getByName("192.0.2.10"));
    Instant now = Instant.now();
    Record signature = DNSSEC.sign(new RRset(genuine), dnskey, zoneKey.getPrivate(), now.minusSeconds(3600),
        now.plusSeconds(3600));
    Record keySignature = DNSSEC.sign(new RRset(dnskey), dnskey, zoneKey.getPrivate(), now.minusSeconds(3600),
        now.plusSeconds(3600));
    ARecord forged = new ARecord(genuine.getName(), DClass.IN, 300, InetAddress.getByName("192.0.2.66"));
    java.util.concurrent.atomic.AtomicBoolean forging = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger aQueries = new java.util.concurrent.atomic.AtomicInteger();
    try (TestDnsServer server = new TestDnsServer(query -> {
      Message response = TestDnsServer.responseTo(query);
      int type = query.getQuestion().getType();
      if (type == Type.DNSKEY) {
        response.addRecord(dnskey, Section.ANSWER);
        response.addRecord(keySignature, Section.ANSWER);
      } else if (type == Type.A) {
        aQueries.incrementAndGet();
        response.addRecord(forging.get() ? forged : genuine, Section.ANSWER);
        response.addRecord(signature, Section.ANSWER);
      }
      return response;
    })) {
      ValidatedAnswers verdicts = new ValidatedAnswers(10, Duration.ofSeconds(60), java.time.Clock.systemUTC());
      DnsjavaProbe probe = DnsjavaProbe.create(List.of(server.address()), DnssecMode.VALIDATE,
          TrustAnchors.parse(dnskey.toString()), Duration.ofSeconds(2), verdicts);

      DnsAnswer first = probe.lookup("mx1.example.test", "A");
      assertThat(first.dnssec()).as(first.detail()).isEqualTo(DnssecState.secure);
      assertThat(verdicts.size()).isEqualTo(1);
      DnsAnswer again = probe.lookup("mx1.example.test", "A");
      assertThat(again).isEqualTo(first);
      // One query per lookup: the validator validated the response the probe fetched, not one of its own.
      assertThat(aQueries.get()).isEqualTo(2);

      forging.set(true);
      DnsAnswer changed = probe.lookup("mx1.example.test", "A");
      assertThat(changed.dnssec()).isEqualTo(DnssecState.bogus);
      assertThat(changed.outcome()).isEqualTo(DnsAnswer.Outcome.ERROR);
      assertThat(probe.lookup("mx1.example.test", "A").dnssec()).isEqualTo(DnssecState.bogus);
      assertThat(verdicts.size()).isEqualTo(1);

      forging.set(false);
      assertThat(probe.lookup("mx1.example.test", "A")).isEqualTo(first);
    }
  }

  /** Lookups of one response at the same time: one validates (fetching the zone's keys once), the others wait for it. */
  @Test
  void concurrentLookupsOfAnIdenticalResponseShareOneValidation() throws Exception {
    ARecord record = new ARecord(Name.fromConstantString("mx1.example.test."), DClass.IN, 300,
        InetAddress.getByName("192.0.2.10"));
    Instant now = Instant.now();
    Record signature = DNSSEC.sign(new RRset(record), dnskey, zoneKey.getPrivate(), now.minusSeconds(3600),
        now.plusSeconds(3600));
    Record keySignature = DNSSEC.sign(new RRset(dnskey), dnskey, zoneKey.getPrivate(), now.minusSeconds(3600),
        now.plusSeconds(3600));
    java.util.concurrent.atomic.AtomicInteger keyQueries = new java.util.concurrent.atomic.AtomicInteger();
    try (TestDnsServer server = new TestDnsServer(query -> {
      Message response = TestDnsServer.responseTo(query);
      if (query.getQuestion().getType() == Type.DNSKEY) {
        keyQueries.incrementAndGet();
        try {
          // Slow keys: every lookup has its response in hand before the first validation can end.
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        response.addRecord(dnskey, Section.ANSWER);
        response.addRecord(keySignature, Section.ANSWER);
      } else if (query.getQuestion().getType() == Type.A) {
        response.addRecord(record, Section.ANSWER);
        response.addRecord(signature, Section.ANSWER);
      }
      return response;
    })) {
      DnsjavaProbe probe = DnsjavaProbe.create(List.of(server.address()), DnssecMode.VALIDATE,
          TrustAnchors.parse(dnskey.toString()), Duration.ofSeconds(2));
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<DnsAnswer>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(() -> {
          start.await();
          return probe.lookup("mx1.example.test", "A");
        }));
      }
      start.countDown();
      for (java.util.concurrent.Future<DnsAnswer> answer : answers) {
        assertThat(answer.get().dnssec()).isEqualTo(DnssecState.secure);
      }
      pool.shutdown();
      // Eight validations at once would each have fetched the keys the validator did not hold yet.
      assertThat(keyQueries.get()).isEqualTo(1);
    }
  }

  @Test
  void aResolverThatDoesNotAnswerIsUnreachable() throws Exception {
    InetSocketAddress nobody;
    try (DatagramSocket closed = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), closed.getLocalPort());
    }
    for (DnssecMode mode : DnssecMode.values()) {
      DnsAnswer answer = DnsjavaProbe.create(List.of(nobody), mode, TrustAnchors.root(), Duration.ofSeconds(1))
          .lookup("example.test", "MX");
      assertThat(answer.outcome()).as(mode.name()).isEqualTo(DnsAnswer.Outcome.UNREACHABLE);
      assertThat(answer.detail()).startsWith("resolver 127.0.0.1:" + nobody.getPort() + " did not answer");
    }
  }

  @Test
  void trustAnchorsMustHoldAKey() {
    assertThat(TrustAnchors.root()).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustAnchors.parse("example.test. 300 IN A 192.0.2.1"))
        .hasMessageContaining("no DS or DNSKEY record");
  }
}
