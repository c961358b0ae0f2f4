package io.securemail.operator.compliance.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Tr02102SuitesTest {

  @Test
  void eachEntryNamesItsCodeAsIanaDoes() {
    assertThat(Tr02102Suites.all()).allSatisfy(s -> assertThat(CipherSuites.name(s.code())).isEqualTo(s.iana()));
  }

  @Test
  void theTablesOfTheGuideline() {
    assertThat(Tr02102Suites.TLS_1_2).hasSize(20).allSatisfy(s -> {
      assertThat(CipherSuites.isForwardSecret(s.iana())).as(s.iana()).isTrue();
      assertThat(s.iana()).doesNotContain("CHACHA20").doesNotContain("CCM_8").doesNotEndWith("_SHA");
      assertThat(s.tls13()).isFalse();
    });
    assertThat(Tr02102Suites.TLS_1_3).extracting(Tr02102Suites.Suite::iana)
        .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_CCM_SHA256");
    assertThat(Tr02102Suites.recommended("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")).isTrue();
    assertThat(Tr02102Suites.recommended("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).isFalse();
    assertThat(Tr02102Suites.recommended("TLS_CHACHA20_POLY1305_SHA256")).isFalse();
    assertThat(Tr02102Suites.recommended("TLS_AES_128_CCM_8_SHA256")).isFalse();
  }

  /** What an MTA's OpenSSL configuration is rendered from. */
  @Test
  void openSslNames() {
    assertThat(Tr02102Suites.opensslTls12CipherList()).startsWith("ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:")
        .endsWith(":DHE-RSA-AES128-CCM:DHE-RSA-AES256-CCM").doesNotContain(" ");
    assertThat(Tr02102Suites.opensslTls13CipherSuites())
        .isEqualTo("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256");
  }

  /** Every suite outside the tables that a group offers is really outside them, and no table suite is. */
  @Test
  void theExtraOffersStayOutsideTheTables() {
    for (TlsOffer offer : TlsOffer.probesFor(io.securemail.operator.compliance.Profile.BSI_TR_03108)) {
      if (!offer.probesVersion()) {
        for (int code : offer.suites()) {
          assertThat(Tr02102Suites.recommended(CipherSuites.name(code))).as(offer + " " + CipherSuites.name(code))
              .isFalse();
        }
      }
    }
  }
}
