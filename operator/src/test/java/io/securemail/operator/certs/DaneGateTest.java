package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnsjavaProbe;
import io.securemail.operator.compliance.dns.DnssecMode;
import io.securemail.operator.compliance.dns.SignedTestZone;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/**
 * The rollover's gate ({@link MxCertificates#secureEverywhere}): the next key is served only once
 * its TLSA record is visible and DNSSEC-secure at every MX host. A DANE sender ignores TLSA records
 * it cannot validate (RFC 7672 section 2.2); serving a key that only an insecure or bogus record
 * names would fail its deliveries. So the verdict is the validator's, not the resolver's AD bit.
 */
class DaneGateTest {

  private static final String NEXT = "a1".repeat(32);
  private static final String OTHER = "b2".repeat(32);
  private static final List<String> MX = List.of("mx1.example.test", "mx2.example.test");

  private static TLSARecord tlsa(String host, String spki) {
    return new TLSARecord(Name.fromConstantString("_25._tcp." + host + "."), DClass.IN, 300, 3, 1, 1,
        HexFormat.of().parseHex(spki));
  }

  private static DnsProbe validating(SignedTestZone zone) {
    return DnsjavaProbe.create(List.of(zone.address()), DnssecMode.VALIDATE, zone.anchors(), Duration.ofSeconds(2));
  }

  private static DnsProbe trustingAd(SignedTestZone zone) {
    return DnsjavaProbe.create(List.of(zone.address()), DnssecMode.RESOLVER_AD, zone.anchors(), Duration.ofSeconds(2));
  }

  @Test
  void aSignedTlsaOfTheKeyAtEveryMxOpensTheGate() throws Exception {
    try (SignedTestZone zone = new SignedTestZone("example.test")) {
      zone.add(tlsa("mx1.example.test", NEXT)).add(tlsa("mx2.example.test", OTHER)).add(tlsa("mx2.example.test", NEXT));

      assertThat(MxCertificates.secureEverywhere(validating(zone), MX, NEXT, 300)).isTrue();
    }
  }

  @Test
  void anMxWithoutTheKeysTlsaKeepsTheGateClosed() throws Exception {
    try (SignedTestZone zone = new SignedTestZone("example.test")) {
      zone.add(tlsa("mx1.example.test", NEXT)).add(tlsa("mx2.example.test", OTHER));

      assertThat(MxCertificates.secureEverywhere(validating(zone), MX, NEXT, 300)).isFalse();
    }
  }

  @Test
  void aBogusTlsaKeepsTheGateClosedWhateverTheResolverClaims() throws Exception {
    try (SignedTestZone zone = new SignedTestZone("example.test")) {
      zone.add(tlsa("mx1.example.test", NEXT)).addForged(tlsa("mx2.example.test", NEXT)).claimAuthenticData();

      assertThat(MxCertificates.secureEverywhere(validating(zone), MX, NEXT, 300)).isFalse();
      // Only the mode that trusts the AD bit (securemail.compliance.dnssec=resolver) believes it.
      assertThat(MxCertificates.secureEverywhere(trustingAd(zone), MX, NEXT, 300)).isTrue();
    }
  }

  @Test
  void anUnsignedTlsaKeepsTheGateClosedWhateverTheResolverClaims() throws Exception {
    try (SignedTestZone zone = new SignedTestZone("example.test")) {
      // unsigned.test is outside the signed zone and every trust anchor: insecure.
      zone.add(tlsa("mx1.unsigned.test", NEXT)).claimAuthenticData();
      List<String> mx = List.of("mx1.unsigned.test");

      assertThat(MxCertificates.secureEverywhere(validating(zone), mx, NEXT, 300)).isFalse();
      assertThat(MxCertificates.secureEverywhere(trustingAd(zone), mx, NEXT, 300)).isTrue();
    }
  }
}
