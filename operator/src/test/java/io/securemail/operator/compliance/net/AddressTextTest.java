package io.securemail.operator.compliance.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5952 section 4 text of IPv6 addresses; IPv4 as it is. */
class AddressTextTest {

  @ParameterizedTest
  @CsvSource({
      "0:0:0:0:0:0:0:1, ::1",
      "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "fd00:0:0:0:0:0:0:25, fd00::25",
      "0:0:0:0:0:0:0:0, ::",
      "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
      "127.0.1.5, 127.0.1.5"})
  void canonicalText(String literal, String text) {
    assertThat(AddressText.of(literal)).isEqualTo(text);
  }
}
