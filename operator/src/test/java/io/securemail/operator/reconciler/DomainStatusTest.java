package io.securemail.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.kube.Conditions;
import io.securemail.operator.kube.PartStatus;
import io.securemail.operator.validation.SpecProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Ready with the two conditions GitOps tools read: kstatus (Flux's wait) reports a resource
 * failed on Stalled=True and in progress on Reconciling=True, and Argo CD's health check does the
 * same. A domain that waits for a person must say Stalled, or the tools wait until they time out.
 */
class DomainStatusTest {

  static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void anInvalidSpecIsStalled() {
    DomainStatus status = status();
    status.markInvalid(List.of(new SpecProblem("spec.mx[0].host", "is not a host name")));
    assertThat(condition(status, Conditions.STALLED)).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("InvalidSpec");
      assertThat(c.getMessage()).contains("spec.mx[0].host");
    });
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void workInProgressIsReconciling() {
    DomainStatus status = status();
    status.markAccepted(new DaneStatus(), List.of(), List.of(), null, List.of(ok("CertificatesReady"),
        PartStatus.of("DnsPublished", "False", "NotYetObserved", "1 of 3 records visible", Duration.ofSeconds(5),
            "DNS records published.", "DNS")));
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.RECONCILING).getReason()).isEqualTo("Progressing");
    assertThat(condition(status, Conditions.STALLED).getStatus()).isEqualTo("False");
  }

  @Test
  void aPartThatWaitsForAPersonStallsTheDomain() {
    DomainStatus status = status();
    status.markAccepted(new DaneStatus(), List.of(), List.of(), null, List.of(
        PartStatus.of("CertificatesReady", "False", "IssuerNotFound", "ClusterIssuer x does not exist", null,
            "Certificates issued.", "certificates").stalledOn(Set.of("IssuerNotFound")), ok("DnsPublished")));
    assertThat(condition(status, Conditions.STALLED)).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("IssuerNotFound");
      assertThat(c.getMessage()).startsWith("CertificatesReady: ClusterIssuer x");
    });
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void readyIsNeitherReconcilingNorStalled() {
    DomainStatus status = status();
    status.markAccepted(new DaneStatus(), List.of(), List.of(), null, List.of(ok("CertificatesReady"), ok("MtaReady")));
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.STALLED).getStatus()).isEqualTo("False");
    assertThat(status.next().getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aRefusalByRbacIsStalledOtherFailuresAreRetried() {
    DomainStatus forbidden = status();
    forbidden.markFailed("Forbidden", "The API server refused the operator a request");
    assertThat(condition(forbidden, Conditions.STALLED).getStatus()).isEqualTo("True");
    DomainStatus outage = status();
    outage.markFailed("ApiRequestFailed", "An API request failed (HTTP 503)");
    assertThat(condition(outage, Conditions.STALLED).getStatus()).isEqualTo("False");
    assertThat(condition(outage, Conditions.RECONCILING).getStatus()).isEqualTo("True");
  }

  /**
   * A reconcile that fails because the process is stopping (a closed client, an interrupted lookup)
   * must not put that failure in status, where the next process would only take it back; what the
   * operator did (the DANE state, the DNS ledger) is written whatever happens.
   */
  @Test
  void aStoppingOperatorWritesFactsButNotConditions() {
    DomainStatus failing = status();
    failing.markFailed("ApiRequestFailed", "An API request failed: the client is closed");
    assertThat(failing.writes(false)).as("running: the failure is news").isTrue();
    assertThat(failing.writes(true)).as("stopping: the failure is the shutdown's").isFalse();

    DomainStatus acted = status();
    DaneStatus dane = new DaneStatus();
    dane.setPhase("Switching");
    acted.markAccepted(dane, List.of(), List.of(), null, List.of(ok("CertificatesReady")));
    assertThat(acted.writes(true)).as("stopping: a rollover step is a fact to keep").isTrue();

    SecureMailDomain seen = new SecureMailDomain();
    seen.getMetadata().setGeneration(3L);
    seen.setStatus(new io.securemail.operator.api.SecureMailDomainStatus());
    seen.getStatus().setObservedGeneration(3L);
    DomainStatus unchanged = new DomainStatus(seen, new KubernetesSerialization(), NOW);
    assertThat(unchanged.writes(false)).as("nothing changed: nothing to write").isFalse();
  }

  private static PartStatus ok(String condition) {
    return PartStatus.of(condition, "True", "Ready", "fine", null, condition + " fine.", condition);
  }

  private static DomainStatus status() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setName("example");
    domain.getMetadata().setNamespace("mail");
    domain.getMetadata().setGeneration(3L);
    return new DomainStatus(domain, new KubernetesSerialization(), NOW);
  }

  private static Condition condition(DomainStatus status, String type) {
    return Conditions.find(status.next().getConditions(), type).orElseThrow();
  }
}
