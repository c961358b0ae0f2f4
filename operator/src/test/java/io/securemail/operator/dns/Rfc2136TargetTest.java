package io.securemail.operator.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Rfc2136TargetTest {

  @Test
  void secretMustBeBase64() {
    assertThatThrownBy(() -> Rfc2136Target.of("127.0.0.1", "example.com.", "key", "hmac-sha256", "not base64!"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    assertThat(Rfc2136Target.of("127.0.0.1", "example.com", "key", "hmac-sha256", "c2VjcmV0").zone().toString())
        .isEqualTo("example.com.");
  }
}
