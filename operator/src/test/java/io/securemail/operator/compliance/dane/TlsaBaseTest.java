package io.securemail.operator.compliance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the TLSA records of an MX host that may be an alias are looked up (RFC 7672 section 2.2.2). */
class TlsaBaseTest {

  private final Map<String, DnsAnswer> zone = new HashMap<>();
  private final DnsProbe dns = (name, type) -> zone.getOrDefault(name + " " + type,
      DnsAnswer.nxdomain(name, type, DnssecState.secure));

  private void add(DnssecState dnssec, String name, String type, String... data) {
    zone.put(name + " " + type, DnsAnswer.of(name, type, dnssec, data));
  }

  @Test
  void aHostWithoutAliasIsItsOwnBase() {
    add(DnssecState.secure, "_25._tcp.mx.example.com", "TLSA", "3 1 1 aa");

    TlsaBase base = TlsaBase.find(dns, "mx.example.com");

    assertThat(base.name()).isEqualTo("mx.example.com");
    assertThat(base.aliases()).isEmpty();
    assertThat(base.tlsa().data()).containsExactly("3 1 1 aa");
  }

  @Test
  void aSecureAliasChainIsExpandedToItsLastName() {
    add(DnssecState.secure, "mail.example.com", "CNAME", "mx.hoster.example.");
    add(DnssecState.secure, "mx.hoster.example", "CNAME", "MX7.Hoster.Example.");
    add(DnssecState.secure, "_25._tcp.mx7.hoster.example", "TLSA", "2 1 1 bb");
    add(DnssecState.secure, "_25._tcp.mail.example.com", "TLSA", "3 1 1 aa");

    TlsaBase base = TlsaBase.find(dns, "mail.example.com");

    assertThat(base.name()).isEqualTo("mx7.hoster.example");
    assertThat(base.aliases()).containsExactly("mx.hoster.example", "mx7.hoster.example");
    assertThat(base.tlsa().data()).containsExactly("2 1 1 bb");
  }

  @Test
  void withoutTlsaAtTheExpandedNameTheMxHostNameIsUsed() {
    add(DnssecState.secure, "mail.example.com", "CNAME", "mx.hoster.example.");
    add(DnssecState.secure, "_25._tcp.mail.example.com", "TLSA", "3 1 1 aa");

    TlsaBase base = TlsaBase.find(dns, "mail.example.com");

    assertThat(base.name()).isEqualTo("mail.example.com");
    assertThat(base.expansionSecure()).isTrue();
    assertThat(base.tlsa().data()).containsExactly("3 1 1 aa");
  }

  /** An expansion that does not validate cannot move the base domain elsewhere. */
  @Test
  void anInsecureAliasLeavesTheMxHostNameAsBase() {
    add(DnssecState.insecure, "mail.example.com", "CNAME", "mx.hoster.example.");
    add(DnssecState.secure, "_25._tcp.mx.hoster.example", "TLSA", "2 1 1 bb");

    TlsaBase base = TlsaBase.find(dns, "mail.example.com");

    assertThat(base.name()).isEqualTo("mail.example.com");
    assertThat(base.expansionSecure()).isFalse();
    assertThat(base.tlsa().outcome()).isEqualTo(DnsAnswer.Outcome.NXDOMAIN);
  }

  /** A failed lookup at the expanded name is that name's answer, not a reason to look elsewhere. */
  @Test
  void aFailedLookupAtTheExpandedNameStands() {
    add(DnssecState.secure, "mail.example.com", "CNAME", "mx.hoster.example.");
    zone.put("_25._tcp.mx.hoster.example TLSA", DnsAnswer.failed("_25._tcp.mx.hoster.example", "TLSA",
        DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL"));

    TlsaBase base = TlsaBase.find(dns, "mail.example.com");

    assertThat(base.name()).isEqualTo("mx.hoster.example");
    assertThat(base.tlsa().outcome()).isEqualTo(DnsAnswer.Outcome.ERROR);
  }

  @Test
  void aLoopEndsAfterEightAliases() {
    add(DnssecState.secure, "a.example", "CNAME", "b.example.");
    add(DnssecState.secure, "b.example", "CNAME", "a.example.");

    assertThat(TlsaBase.find(dns, "a.example").aliases()).hasSize(TlsaBase.MAX_ALIASES);
  }
}
