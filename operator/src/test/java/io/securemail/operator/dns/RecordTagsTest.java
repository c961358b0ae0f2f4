package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTagsTest {

  static final DnsRecord OURS = new DnsRecord("_smtp._tls.example.com.", "TXT",
      "\"v=TLSRPTv1; rua=mailto:a@example.com\"", 300);

  @Test
  void tagIsTheVersionOfTxtPolicies() {
    assertThat(RecordTags.tag(OURS)).isEqualTo("v=TLSRPTv1");
    assertThat(RecordTags.tag(new DnsRecord("_mta-sts.example.com.", "TXT", "\"v=STSv1; id=abc\"", 300)))
        .isEqualTo("v=STSv1");
    assertThat(RecordTags.tag(new DnsRecord("x.", "TXT", "\"google-site-verification=x\"", 300))).isNull();
    assertThat(RecordTags.tag(new DnsRecord("example.com.", "MX", "10 mx.example.com.", 300))).isNull();
  }

  /** Servers print TXT data with \DDD escapes (RFC 1035 section 5.1) and in several strings: the tag is in the text. */
  @Test
  void tagIsReadFromTheTextNotItsPresentation() {
    assertThat(RecordTags.tag(new DnsRecord("_mta-sts.example.com.", "TXT", "\"v=STSv1\\059 id=abc\"", 300)))
        .isEqualTo("v=STSv1");
    assertThat(RecordTags.tag(new DnsRecord(OURS.name(), "TXT", "\"v=TLS\" \"RPTv1; rua=mailto:a@example.com\"", 300)))
        .isEqualTo("v=TLSRPTv1");
  }

  @Test
  void foreignRecordWithTheSameTagConflicts() {
    var foreign = new DnsRecord(OURS.name(), "TXT", "\"v=TLSRPTv1; rua=mailto:other@example.com\"", 300);
    assertThat(RecordTags.conflicting(OURS, List.of(foreign), List.of())).isEqualTo(foreign);
  }

  @Test
  void ourOwnPreviousRecordIsNoConflict() {
    var previous = new DnsRecord(OURS.name(), "TXT", "\"v=TLSRPTv1; rua=mailto:old@example.com\"", 300);
    assertThat(RecordTags.conflicting(OURS, List.of(previous), List.of(previous))).isNull();
  }

  @Test
  void identicalOrUntaggedRecordsAreNoConflict() {
    var note = new DnsRecord(OURS.name(), "TXT", "\"note=hello\"", 300);
    assertThat(RecordTags.conflicting(OURS, List.of(OURS, note), List.of())).isNull();
  }
}
