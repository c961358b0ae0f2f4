package io.securemail.operator.compliance.checks;

import static io.securemail.operator.compliance.CheckStatus.fail;
import static io.securemail.operator.compliance.CheckStatus.pass;
import static io.securemail.operator.compliance.CheckStatus.skip;
import static io.securemail.operator.compliance.CheckStatus.warn;
import static io.securemail.operator.compliance.Profile.BSI_TR_03108;
import static io.securemail.operator.compliance.Profile.RFC;
import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.Profile;
import io.securemail.operator.compliance.mtasts.PolicyFetch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MtaStsChecksTest {

  @Test
  void noMtaStsIsSkippedUnderRfcAndFailsUnderBsi() {
    Fixture none = Fixture.compliant().stsTxt();
    for (String id : new String[] {"mtasts.record", "mtasts.policy", "mtasts.mx", "mtasts.mode"}) {
      assertThat(none.status(id, RFC)).as(id).isEqualTo(skip);
    }
    assertThat(none.status("mtasts.record", BSI_TR_03108)).isEqualTo(fail);
    assertThat(none.status("mtasts.mode", BSI_TR_03108)).isEqualTo(fail);
    assertThat(none.status("mtasts.policy", BSI_TR_03108)).isEqualTo(skip);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void recordProblems(Profile profile) {
    Fixture two = Fixture.compliant().stsTxt("v=STSv1; id=1", "v=STSv1; id=2");
    assertThat(two.result("mtasts.record", profile).message()).contains("2 v=STSv1 TXT records")
        .contains("RFC 8461 section 3.1");
    assertThat(two.status("mtasts.record", profile)).isEqualTo(fail);
    // With no single valid record senders apply no policy, whatever is served.
    assertThat(two.status("mtasts.mx", profile)).isEqualTo(skip);
    assertThat(two.result("mtasts.policy", profile)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(warn);
      assertThat(r.message()).contains("not in effect: 2 v=STSv1 TXT records make senders ignore MTA-STS (RFC 8461 "
          + "section 3.1)");
    });
    assertThat(Fixture.compliant().stsTxt("v=STSv1; id=not-valid!").status("mtasts.record", profile)).isEqualTo(fail);
    assertThat(Fixture.compliant().stsTxt("v=spf1 -all", "v=STSv1; id=abc").result("mtasts.record", profile).message())
        .isEqualTo("v=STSv1, id=abc");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void policyProblems(Profile profile) {
    Fixture redirect = Fixture.compliant().policy(PolicyFetch.failed(Fixture.POLICY_URL,
        "HTTP 301 redirect to https://elsewhere/: senders do not follow redirects (RFC 8461 section 3.3)"));
    assertThat(redirect.result("mtasts.policy", profile).message()).isEqualTo(Fixture.POLICY_URL
        + ": HTTP 301 redirect to https://elsewhere/: senders do not follow redirects (RFC 8461 section 3.3)");
    assertThat(redirect.status("mtasts.policy", profile)).isEqualTo(fail);
    assertThat(Fixture.compliant().policy("version: STSv1\nmode: enforce\n").result("mtasts.policy", profile).message())
        .contains("is not valid: no max_age line");
    assertThat(Fixture.compliant().status("mtasts.policy", profile)).isEqualTo(pass);
  }

  @Test
  void mxCoverageDependsOnTheMode() {
    String other = "version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 86400\n";
    assertThat(Fixture.compliant().policy(other).result("mtasts.mx", RFC)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(fail);
      assertThat(r.message()).isEqualTo("mx1.example.com matches none of the policy's mx patterns (*.example.net): "
          + "MTA-STS senders will not deliver to it");
    });
    assertThat(Fixture.compliant().policy(other.replace("enforce", "testing")).status("mtasts.mx", RFC)).isEqualTo(warn);
    assertThat(Fixture.compliant().policy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n")
        .result("mtasts.mx", BSI_TR_03108).message()).isEqualTo("matches the policy's mx pattern *.example.com");
    assertThat(Fixture.compliant().policy("version: STSv1\nmode: none\nmax_age: 86400\n").status("mtasts.mx", RFC))
        .isEqualTo(skip);
  }

  @Test
  void modePerProfile() {
    Fixture testing = Fixture.compliant().policy(Fixture.ENFORCE.replace("enforce", "testing"));
    assertThat(testing.status("mtasts.mode", RFC)).isEqualTo(warn);
    assertThat(testing.status("mtasts.mode", BSI_TR_03108)).isEqualTo(warn);
    Fixture none = Fixture.compliant().policy("version: STSv1\nmode: none\nmax_age: 86400\n");
    assertThat(none.status("mtasts.mode", RFC)).isEqualTo(warn);
    assertThat(none.status("mtasts.mode", BSI_TR_03108)).isEqualTo(fail);
    assertThat(Fixture.compliant().status("mtasts.mode", BSI_TR_03108)).isEqualTo(pass);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void tlsRpt(Profile profile) {
    assertThat(Fixture.compliant().result("tlsrpt.record", profile).message()).isEqualTo("reports go to mailto:tls@example.com");
    assertThat(Fixture.compliant().tlsRpt("v=TLSRPTv1; rua=tls@example.com").result("tlsrpt.record", profile))
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(fail);
          assertThat(r.message()).contains("must be a mailto: or https: URI");
        });
    assertThat(Fixture.compliant().tlsRpt("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com")
        .status("tlsrpt.record", profile)).isEqualTo(fail);
    assertThat(Fixture.compliant().tlsRpt().status("tlsrpt.record", profile)).isEqualTo(warn);
    assertThat(Fixture.compliant().tlsRpt().stsTxt().tlsa().status("tlsrpt.record", profile)).isEqualTo(skip);
  }
}
