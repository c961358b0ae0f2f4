package io.securemail.operator.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.MtaStsStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class DroppedPolicyTest {

  static SecureMailDomain withPolicy(String id, String mode) {
    var sts = new MtaStsStatus();
    sts.setPolicyId(id);
    sts.setMode(mode);
    sts.setMx(List.of("mx1.example.com"));
    sts.setMaxAge(604800L);
    var status = new SecureMailDomainStatus();
    status.setMtaSts(sts);
    var domain = new SecureMailDomain();
    domain.setStatus(status);
    return domain;
  }

  @Test
  void deletingAnEnforcedPolicySaysWhatSendersKeepAndTheOrderlyWayOut() {
    assertThat(MtaStsHosting.droppedPolicy(withPolicy("20261206T120000", "enforce")))
        .contains("policy 20261206T120000 (mode enforce, mx mx1.example.com) for up to 604800 s")
        .contains("spec.mtaSts.mode: none");
  }

  @Test
  void nothingIsSaidWhenNoSenderCachesARestrictivePolicy() {
    assertThat(MtaStsHosting.droppedPolicy(withPolicy("20261206T120000", "none"))).isNull();
    assertThat(MtaStsHosting.droppedPolicy(withPolicy(null, null))).isNull();
    assertThat(MtaStsHosting.droppedPolicy(new SecureMailDomain())).isNull();
  }
}
