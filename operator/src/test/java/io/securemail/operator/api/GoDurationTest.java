package io.securemail.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

  @Test
  void parsesHours() {
    assertThat(GoDuration.parse("2160h")).isEqualTo(Duration.ofDays(90));
  }

  @Test
  void addsUpSeveralParts() {
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
  }

  @Test
  void parsesSeconds() {
    assertThat(GoDuration.parse("45s")).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void parsesBareZero() {
    assertThat(GoDuration.parse("0")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5d", "1.5h", "h", "5", "-1h", "1h ", "1H"})
  void rejectsMalformedTextQuotingIt(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }

  @ParameterizedTest
  @NullSource
  void rejectsNull(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"null\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999h", "3000000000000000h"})
  void rejectsOverflowingNumbersQuotingThem(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }
}
