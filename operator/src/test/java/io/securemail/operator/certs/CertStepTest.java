package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DaneStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CertificatesReady as a user reads it: issued certificates are not yet DANE in effect. */
class CertStepTest {

  static final CertManager.Verdict ISSUED = new CertManager.Verdict(true, "Ready", "");
  static final String ISSUED_MESSAGE = "MX lineages a and b and the mta-sts certificate are issued. DANE Initial: "
      + "TLSA records are withheld until every MX endpoint serves key 3daedd20f09a... of lineage a";

  static CertStep step(List<String> tlsa, boolean daneEnabled) {
    return new CertStep(tlsa, new DaneStatus(), null, ISSUED_MESSAGE, Duration.ofSeconds(10), Duration.ofSeconds(5),
        daneEnabled);
  }

  @Test
  void issuedCertificatesWithTheTlsaWithheldAreNotReady() {
    CertOutcome outcome = step(List.of(), true).judged(ISSUED);

    assertThat(outcome.status()).isEqualTo("False");
    assertThat(outcome.reason()).isEqualTo("MxNotServingKey");
    assertThat(outcome.message()).isEqualTo(ISSUED_MESSAGE);
    // Progress, not a failure and not waiting for a person: Ready says Progressing and what DANE waits for.
    assertThat(outcome.part().ok()).isFalse();
    assertThat(outcome.part().failed()).isFalse();
    assertThat(outcome.part().stalled()).isFalse();
    assertThat(outcome.part().summary()).startsWith("Waiting for DANE: MX lineages a and b");
    assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void issuedCertificatesWithTlsaPublishedAreReady() {
    CertOutcome outcome = step(List.of("aa", "bb"), true).judged(ISSUED);

    assertThat(outcome.status()).isEqualTo("True");
    assertThat(outcome.reason()).isEqualTo("Ready");
    assertThat(outcome.part().summary()).isEqualTo("Certificates issued.");
  }

  @Test
  void withDaneDisabledIssuedCertificatesAreReady() {
    assertThat(step(List.of(), false).judged(ISSUED).reason()).isEqualTo("Ready");
  }

  @Test
  void certManagersVerdictComesFirst() {
    CertOutcome outcome = step(List.of(), true).judged(new CertManager.Verdict(false, "Issuing", "issuing mx-a"));

    assertThat(outcome.reason()).isEqualTo("Issuing");
    assertThat(outcome.part().summary()).startsWith("Waiting for certificates:");
  }

  /** A domain whose CertificatesReady has been False since {@code since}. */
  private static io.securemail.operator.api.SecureMailDomain waitingSince(java.time.Instant since) {
    var domain = new io.securemail.operator.api.SecureMailDomain();
    var status = new io.securemail.operator.api.SecureMailDomainStatus();
    status.setConditions(List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(CertOutcome.CONDITION)
        .withStatus("False").withReason("IssuerNotReady").withLastTransitionTime(since.toString()).build()));
    domain.setStatus(status);
    return domain;
  }

  @Test
  void certificatesWaitingForAnIssuerAreLookedAtLessAndLessOften() {
    java.time.Instant now = java.time.Instant.parse("2026-12-06T12:00:00Z");
    var domain = waitingSince(now.minus(Duration.ofMinutes(2)));

    CertStep polling = new CertStep(List.of(), new DaneStatus(), null, ISSUED_MESSAGE, null, Duration.ofSeconds(10),
        false);
    CertOutcome notReady = polling.judged(new CertManager.Verdict(false, "IssuerNotReady",
        "Issuer mail/letsencrypt is not Ready"));
    assertThat(notReady.part(domain, now).retryAfter()).as("the wait so far, not the 10 s poll")
        .isEqualTo(Duration.ofMinutes(2));

    CertOutcome issuing = polling.judged(new CertManager.Verdict(false, "Issuing", "Issuing"));
    assertThat(issuing.part(domain, now).retryAfter()).as("an issuance under way keeps its pace")
        .isEqualTo(Duration.ofSeconds(10));

    CertOutcome keyNotServed = step(List.of(), true).judged(ISSUED);
    assertThat(keyNotServed.part(domain, now).retryAfter()).as("the rollover keeps its pace")
        .isEqualTo(Duration.ofSeconds(10));
  }
}
