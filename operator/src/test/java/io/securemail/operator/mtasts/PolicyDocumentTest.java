package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.MtaStsSpec.Mode;
import io.securemail.operator.compliance.mtasts.StsPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {

  @Test
  void rendersTheRfc8461ExampleWithCrlfLineEndings() {
    // RFC 8461 section 3.2's example policy, with its mx lines sorted.
    PolicyDocument policy = PolicyDocument.of(Mode.ENFORCE, List.of("mail.example.com", "*.example.net",
        "backupmx.example.com"), 604800);

    assertThat(policy.text()).isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: *.example.net\r\n"
        + "mx: backupmx.example.com\r\nmx: mail.example.com\r\nmax_age: 604800\r\n");
  }

  @Test
  void parsesBackToTheSamePolicy() {
    PolicyDocument policy = PolicyDocument.of(Mode.TESTING, List.of("mx2.example.com", "mx1.example.com"), 86400);

    var parsed = StsPolicy.parse(policy.text());

    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.value().mode()).isEqualTo(StsPolicy.Mode.testing);
    assertThat(parsed.value().mx()).containsExactly("mx1.example.com", "mx2.example.com");
    assertThat(parsed.value().maxAge()).isEqualTo(86400);
  }

  @Test
  void aNonePolicyWithoutMxLinesParses() {
    var parsed = StsPolicy.parse(PolicyDocument.of(Mode.NONE, List.of(), 86400).text());

    assertThat(parsed.ok()).isTrue();
    assertThat(parsed.value().mode()).isEqualTo(StsPolicy.Mode.none);
  }

  @Test
  void theIdIsOneTo32AlphanumericsAndFollowsTheContent() {
    PolicyDocument a = PolicyDocument.of(Mode.ENFORCE, List.of("mx1.example.com", "mx2.example.com"), 604800);
    PolicyDocument sameInOtherOrder = PolicyDocument.of(Mode.ENFORCE, List.of("MX2.example.com", "mx1.example.com"),
        604800);

    assertThat(a.id()).matches("[A-Za-z0-9]{1,32}");
    assertThat(sameInOtherOrder.id()).isEqualTo(a.id());
    assertThat(PolicyDocument.of(Mode.TESTING, a.mx(), 604800).id()).isNotEqualTo(a.id());
    assertThat(PolicyDocument.of(Mode.ENFORCE, List.of("mx1.example.com"), 604800).id()).isNotEqualTo(a.id());
    assertThat(PolicyDocument.of(Mode.ENFORCE, a.mx(), 604801).id()).isNotEqualTo(a.id());
    assertThat(a.txtRecord()).isEqualTo("v=STSv1; id=" + a.id());
  }
}
