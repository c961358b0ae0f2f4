package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.dns.DnssecState;
import io.securemail.operator.kube.Backoff;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When DNSSEC keeps observed records from counting as published, and what DnsPublished then says. */
class DnssecRequirementTest {

  static final DnsRecord MX = new DnsRecord("example.com.", "MX", "10 mx1.example.com.", 300);
  static final DnsRecord TLSA = new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 ab12", 300);
  static final DnsRecord TLSA_NEXT = new DnsRecord("_25._tcp.mx1.example.com.", "TLSA", "3 1 1 cd34", 300);

  static RecordLookup.Observation seen(DnsRecord record, DnssecState dnssec) {
    return new RecordLookup.Observation(record, true, dnssec, "");
  }

  @Test
  void insecureRecordsWithDaneEnabledAreNotPublishedAndSayWhatToDo() {
    var unmet = DnssecRequirement.insecure(List.of(seen(MX, DnssecState.insecure), seen(TLSA, DnssecState.insecure),
        seen(TLSA_NEXT, DnssecState.insecure)), true).orElseThrow();

    assertThat(unmet.reason()).isEqualTo("RecordsInsecure");
    // Each name and type once, however many records share it.
    assertThat(unmet.message()).startsWith("3 of 3 records are served but not DNSSEC-signed (insecure): "
        + "example.com. MX, _25._tcp.mx1.example.com. TLSA.")
        .contains("RFC 7672 section 2.2", "Sign the zone", "DS record at the parent", "spec.dane.enabled to false");
  }

  @Test
  void insecureRecordsAreAcceptableWithDaneDisabledAndTheMessageSaysWhy() {
    List<RecordLookup.Observation> observations = List.of(seen(MX, DnssecState.insecure));

    assertThat(DnssecRequirement.insecure(observations, false)).isEmpty();
    assertThat(DnssecRequirement.summary(observations)).contains("not DNSSEC-signed (insecure)",
        "only because spec.dane.enabled is false");
  }

  @Test
  void secureRecordsMeetTheRequirement() {
    List<RecordLookup.Observation> observations = List.of(seen(MX, DnssecState.secure), seen(TLSA, DnssecState.secure));

    assertThat(DnssecRequirement.bogus(observations)).isEmpty();
    assertThat(DnssecRequirement.insecure(observations, true)).isEmpty();
    assertThat(DnssecRequirement.summary(observations)).isEqualTo(" and validate (DNSSEC secure)");
  }

  /** A bogus answer carries no data, so the record is never observed: bogus is judged on every record. */
  @Test
  void bogusRecordsAreNamedWithTheValidatorsWordsWhetherDaneIsEnabledOrNot() {
    var unmet = DnssecRequirement.bogus(List.of(seen(MX, DnssecState.secure), new RecordLookup.Observation(TLSA,
        false, DnssecState.bogus, "SERVFAIL (dnssec bogus: signature expired)"))).orElseThrow();

    assertThat(unmet.reason()).isEqualTo("RecordsBogus");
    assertThat(unmet.message()).startsWith("1 of 2 records fail DNSSEC validation (bogus)")
        .contains("_25._tcp.mx1.example.com. TLSA (SERVFAIL (dnssec bogus: signature expired))",
            "re-sign the zone", "parent's DS record match a DNSKEY");
  }

  /** Both reasons fail Ready and stall the domain (a person must sign the zone), and are retried with backoff. */
  @Test
  void bothReasonsAreFailuresThatWaitForAPerson() {
    for (String reason : List.of(DnssecRequirement.BOGUS, DnssecRequirement.INSECURE)) {
      var outcome = new DnsOutcome(List.of(), List.of(), null, "False", reason, "m", Backoff.FIRST_FAILURE_RETRY);
      assertThat(outcome.failed()).as(reason).isTrue();
      assertThat(outcome.part().failed()).as(reason).isTrue();
      assertThat(outcome.part().stalled()).as(reason).isTrue();
    }
  }
}
