package io.securemail.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.DnsSpec;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.api.TransportStatus;
import org.junit.jupiter.api.Test;

class FirstCheckTest {

  private static SecureMailDomain domain(DnsSpec.Provider provider, boolean checkedBefore) {
    SecureMailDomain smd = new SecureMailDomain();
    smd.getMetadata().setNamespace("mail");
    smd.getMetadata().setName("example");
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    spec.getDns().setProvider(provider);
    smd.setSpec(spec);
    if (checkedBefore) {
      SecureMailDomainStatus status = new SecureMailDomainStatus();
      status.setCompliance(new ComplianceStatus());
      smd.setStatus(status);
    }
    return smd;
  }

  private static TransportStatus fleet(boolean ready) {
    TransportStatus transport = new TransportStatus();
    transport.setName("provider/fleet");
    transport.setAttached(true);
    transport.setReady(ready);
    return transport;
  }

  @Test
  void aNewDomainIsNotCheckedWhileTheRecordsTheOperatorPublishedAreOnTheirWay() {
    var waiting = FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, false), true, null);

    assertThat(waiting).hasValueSatisfying(outcome -> {
      assertThat(outcome.conditionStatus()).isEqualTo("Unknown");
      assertThat(outcome.reason()).isEqualTo(FirstCheck.AWAITING);
      assertThat(outcome.message()).contains("DnsPublished");
      assertThat(outcome.ran()).isFalse();
      assertThat(outcome.status()).isNull();
      assertThat(outcome.transitions()).isEmpty();
    });
    assertThat(FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, false), false, null)).isEmpty();
  }

  /** Records a person publishes hold nothing: the check tells that person what is missing. */
  @Test
  void recordsAPersonPublishesDoNotHoldTheCheck() {
    assertThat(FirstCheck.waiting(domain(DnsSpec.Provider.MANUAL, false), true, null)).isEmpty();
  }

  @Test
  void aDomainOnAFleetWaitsForTheFleetToBeReady() {
    var waiting = FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, false), false, fleet(false));

    assertThat(waiting).hasValueSatisfying(outcome -> assertThat(outcome.message())
        .contains("MailTransport provider/fleet"));
    assertThat(FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, false), false, fleet(true))).isEmpty();
    // The same words while the records are on their way and while the fleet is not Ready: one status write.
    assertThat(FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, false), true, fleet(false)).orElseThrow().message())
        .isEqualTo(waiting.orElseThrow().message());
  }

  /** Once checked, a domain is checked on schedule whatever happens: a rollover, a fleet gone unready. */
  @Test
  void onlyTheFirstCheckWaits() {
    assertThat(FirstCheck.waiting(domain(DnsSpec.Provider.RFC2136, true), true, fleet(false))).isEmpty();
  }
}
