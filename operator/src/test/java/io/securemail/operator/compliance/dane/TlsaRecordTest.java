package io.securemail.operator.compliance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsaRecordTest {

  private static final String SHA256 = "DBE0ECE54B8E718C37F07972FFC1672160910FBCB029E7D2AB54ED36B0BE2D3B";

  @Test
  void parsesPresentationFormatInAnyCase() {
    assertThat(TlsaRecord.parse("3 1 1 " + SHA256)).hasValueSatisfying(r -> {
      assertThat(r.parameters()).isEqualTo("3 1 1");
      assertThat(r.data()).isEqualTo(SHA256.toLowerCase());
      assertThat(r.usable()).isTrue();
    });
    assertThat(TlsaRecord.parse("3 1 1 DBE0ECE5 4B8E718C")).hasValueSatisfying(r -> assertThat(r.data()).isEqualTo("dbe0ece54b8e718c"));
    assertThat(TlsaRecord.parse("3 1 1")).isEmpty();
    assertThat(TlsaRecord.parse("3 1 1 xyz")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0, 1, RFC 7672 section 3.1.3",
      "1, 1, 1, RFC 7672 section 3.1.3",
      "4, 1, 1, usage 4 is not defined",
      "3, 2, 1, selector 2 is not defined",
      "3, 1, 3, matching type 3 is not defined"})
  void unusableForSmtp(int usage, int selector, int matchingType, String why) {
    TlsaRecord record = new TlsaRecord(usage, selector, matchingType, SHA256.toLowerCase());
    assertThat(record.usable()).isFalse();
    assertThat(record.unusableBecause()).hasValueSatisfying(reason -> assertThat(reason).contains(why));
  }

  @Test
  void digestLengthMustFitTheMatchingType() {
    assertThat(new TlsaRecord(3, 1, 1, "abcd").unusableBecause()).hasValue("SHA-256 data must be 32 bytes, not 2");
    assertThat(new TlsaRecord(3, 1, 2, SHA256).unusableBecause()).hasValue("SHA-512 data must be 64 bytes, not 32");
    assertThat(new TlsaRecord(2, 0, 0, "3082").usable()).isTrue();
  }
}
