package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Rfc2136TargetTest {

  @Test
  void serverAddressForms() {
    assertThat(Rfc2136Target.socketAddress("ns1.example.com")).satisfies(a -> {
      assertThat(a.getHostString()).isEqualTo("ns1.example.com");
      assertThat(a.getPort()).isEqualTo(53);
    });
    assertThat(Rfc2136Target.socketAddress("10.0.0.53:5353").getPort()).isEqualTo(5353);
    assertThat(Rfc2136Target.socketAddress("[2001:db8::53]:1053")).satisfies(a -> {
      assertThat(a.getHostString()).isEqualTo("2001:db8::53");
      assertThat(a.getPort()).isEqualTo(1053);
    });
    assertThat(Rfc2136Target.socketAddress("[2001:db8::53]").getPort()).isEqualTo(53);
  }

  @Test
  void secretMustBeBase64() {
    assertThatThrownBy(() -> Rfc2136Target.of("127.0.0.1", "example.com.", "key", "hmac-sha256", "not base64!"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    assertThat(Rfc2136Target.of("127.0.0.1", "example.com", "key", "hmac-sha256", "c2VjcmV0").zone().toString())
        .isEqualTo("example.com.");
  }
}
