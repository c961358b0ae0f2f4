package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnsAnswer;
import io.securemail.operator.compliance.dns.DnsProbe;
import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.compliance.dns.TxtData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which desired records DNS shows, from the answers of the compliance engine's DNS probe. */
class RecordLookupTest {

  @Test
  void recordsAreComparedByTheirDataNotItsSpelling() {
    DnsProbe dns = (name, type) -> switch (type) {
      case "MX" -> DnsAnswer.of(name, type, DnssecState.secure, "10 MX1.example.com.");
      case "TLSA" -> DnsAnswer.of(name, type, DnssecState.secure, "3 1 1 AB12CD");
      default -> DnsAnswer.of(name, type, DnssecState.secure);
    };
    List<DnsRecord> desired = List.of(new DnsRecord("example.com.", "MX", "10 mx1.example.com.", 300),
        new DnsRecord("example.com.", "MX", "20 mx2.example.com.", 300),
        new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 ab12cd", 300));

    assertThat(RecordLookup.observe(dns, desired)).extracting(RecordLookup.Observation::observed)
        .containsExactly(true, false, true);
  }

  /** The probe gives the text of each TXT record; a long value is visible whatever its strings. */
  @Test
  void txtRecordsAreComparedByTheTextTheyCarry() {
    String rua = "v=TLSRPTv1; rua=https://reports.example.com/" + "a".repeat(300);
    DnsProbe dns = (name, type) -> DnsAnswer.of(name, type, DnssecState.insecure, "v=spf1 -all", rua);

    List<RecordLookup.Observation> seen = RecordLookup.observe(dns, List.of(
        new DnsRecord("_smtp._tls.example.com.", "TXT", TxtData.presentation(rua), 300),
        new DnsRecord("_mta-sts.example.com.", "TXT", "\"v=STSv1; id=1\"", 300)));

    assertThat(seen).extracting(RecordLookup.Observation::observed).containsExactly(true, false);
    assertThat(seen).extracting(RecordLookup.Observation::dnssec).containsOnly(DnssecState.insecure);
  }

  @Test
  void eachNameAndTypeIsLookedUpOnce() {
    List<String> asked = new ArrayList<>();
    DnsProbe dns = (name, type) -> {
      asked.add(name + " " + type);
      return DnsAnswer.failed(name, type, DnsAnswer.Outcome.ERROR, DnssecState.bogus, "SERVFAIL");
    };

    List<RecordLookup.Observation> seen = RecordLookup.observe(dns, List.of(
        new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 aa", 300),
        new DnsRecord("_25._tcp.MX1.example.com.", "TLSA", "3 1 1 bb", 300)));

    assertThat(asked).containsExactly("_25._tcp.mx1.example.com. TLSA");
    assertThat(seen).extracting(RecordLookup.Observation::observed, RecordLookup.Observation::dnssec)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(false, DnssecState.bogus));
    assertThat(seen.get(0).detail()).isEqualTo("SERVFAIL");
  }
}
