package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {

  @ParameterizedTest
  @CsvSource({
      "ns1.example.com, ns1.example.com, 53",
      "10.0.0.53:5353, 10.0.0.53, 5353",
      "[2001:db8::53]:1053, 2001:db8::53, 1053",
      "[2001:db8::53], 2001:db8::53, 53",
      // A bare IPv6 address is an address, not host "2001:db8:" and port 53.
      "2001:db8::53, 2001:db8::53, 53",
      "::1, ::1, 53"})
  void everyFormReadsTheSame(String text, String host, int port) {
    InetSocketAddress address = ServerAddress.parse(text);
    assertThat(address.getHostString()).isEqualTo(host);
    assertThat(address.getPort()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[2001:db8::53", "host:0", "host:65536", "host:dns", ":53", "[::1]x"})
  void badTextIsNamed(String text) {
    assertThatThrownBy(() -> ServerAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }
}
