package io.securemail.operator.mta;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the MX endpoints are looked at again after a failure: one poll after the first look since
 * the replicas became ready, with the backoff of the whole wait after any later one.
 */
class MtaDeploymentTest {

  @Test
  void theFirstLookAfterTheReplicasStartedIsFollowedByAnotherOnePollLater() {
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady(null))).as("no status yet").isTrue();
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady("Starting"))).isTrue();
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady("CertificateNotIssued"))).isTrue();
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady("MxUnreachable"))).as("looked before").isFalse();
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady("StaleCertificate"))).isFalse();
    assertThat(MtaDeployment.firstLookSinceStart(withMtaReady("Ready"))).isFalse();
  }

  private static SecureMailDomain withMtaReady(String reason) {
    SecureMailDomain domain = new SecureMailDomain();
    if (reason != null) {
      SecureMailDomainStatus status = new SecureMailDomainStatus();
      status.setConditions(List.of(new ConditionBuilder().withType(MtaOutcome.CONDITION).withStatus("False")
          .withReason(reason).withMessage("-").build()));
      domain.setStatus(status);
    }
    return domain;
  }
}
