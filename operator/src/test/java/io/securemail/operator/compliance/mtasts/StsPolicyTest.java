package io.securemail.operator.compliance.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StsPolicyTest {

  /** The example policy of RFC 8461 section 3.2. */
  private static final String RFC_EXAMPLE = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
      + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";

  @Test
  void parsesTheRfcExample() {
    Parsed<StsPolicy> parsed = StsPolicy.parse(RFC_EXAMPLE);
    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.value().mode()).isEqualTo(StsPolicy.Mode.enforce);
    assertThat(parsed.value().maxAge()).isEqualTo(604800);
    assertThat(parsed.value().mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
  }

  @Test
  void acceptsBareLineFeedsWhiteSpaceAndUnknownKeys() {
    Parsed<StsPolicy> parsed = StsPolicy.parse("version:STSv1\nmode:   testing  \nmx: mx1.example.com\n"
        + "max_age: 86400\nx_comment: ignored\n");
    assertThat(parsed.ok()).as(parsed.error()).isTrue();
    assertThat(parsed.value().mode()).isEqualTo(StsPolicy.Mode.testing);
  }

  @Test
  void modeNoneNeedsNoMx() {
    assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").ok()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "mode: enforce\\nmx: a.example.com\\nmax_age: 1|no 'version: STSv1' line",
      "version: STSv2\\nmode: enforce\\nmx: a.example.com\\nmax_age: 1|version is 'STSv2', not STSv1",
      "version: STSv1\\nmode: strict\\nmx: a.example.com\\nmax_age: 1|mode 'strict' is not enforce, testing or none",
      "version: STSv1\\nmode: enforce\\nmx: a.example.com|no max_age line",
      "version: STSv1\\nmode: enforce\\nmx: a.example.com\\nmax_age: 31557601|is not a number of seconds up to 31557600",
      "version: STSv1\\nmode: enforce\\nmx: a.example.com\\nmax_age: -5|is not a number of seconds",
      "version: STSv1\\nmode: enforce\\nmax_age: 86400|no mx line",
      "version: STSv1\\nmode: enforce\\nmode: testing\\nmx: a.example.com\\nmax_age: 1|'mode' appears more than once",
      "version: STSv1\\nmode: enforce\\nmx: mail.*.example.com\\nmax_age: 1|is not a host name or *.domain pattern",
      "<html>version: STSv1</html>|is not a policy key",
      "version STSv1|is not 'key: value'"})
  void rejectsInvalidPolicies(String body, String error) {
    Parsed<StsPolicy> parsed = StsPolicy.parse(body.replace("\\n", "\n"));
    assertThat(parsed.ok()).isFalse();
    assertThat(parsed.error()).contains(error);
  }

  /** RFC 8461 section 4.1: a wildcard covers exactly one left-most label. */
  @ParameterizedTest
  @CsvSource({
      "mail.example.com, true",
      "MAIL.Example.COM., true",
      "x.example.net, true",
      "example.net, false",
      "a.b.example.net, false",
      "backupmx.example.com, true",
      "other.example.com, false"})
  void mxPatternsFollowTheWildcardRule(String host, boolean matches) {
    assertThat(StsPolicy.parse(RFC_EXAMPLE).value().patternFor(host).isPresent()).isEqualTo(matches);
  }
}
