package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.DaneStatus;
import io.securemail.operator.api.SecureMailDomain;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rollover annotation is a nonce: each distinct value asks for one rollover, and a value the
 * operator has handled asks for nothing, however long it stays (a GitOps tool keeps it in place).
 */
class RolloverRequestTest {

  @Test
  void eachDistinctValueAsksOnce() {
    assertThat(MxCertificates.request(domain(null), null)).isEqualTo(RolloverFacts.Request.none);
    assertThat(MxCertificates.request(domain("2026-12-06T10:00Z"), null)).isEqualTo(RolloverFacts.Request.requested);
    assertThat(MxCertificates.request(domain("2026-12-06T10:00Z"), handled("2026-12-06T10:00Z")))
        .as("handled already").isEqualTo(RolloverFacts.Request.none);
    assertThat(MxCertificates.request(domain("2026-12-07T09:00Z"), handled("2026-12-06T10:00Z")))
        .as("a new value").isEqualTo(RolloverFacts.Request.requested);
    assertThat(MxCertificates.request(domain("  "), null)).isEqualTo(RolloverFacts.Request.none);
  }

  @Test
  void emergencyIsAskedForByPrefix() {
    assertThat(MxCertificates.request(domain("emergency"), null)).isEqualTo(RolloverFacts.Request.emergency);
    assertThat(MxCertificates.request(domain("emergency-1765015200"), handled("emergency")))
        .isEqualTo(RolloverFacts.Request.emergency);
    assertThat(MxCertificates.request(domain("emergency-1765015200"), handled("emergency-1765015200")))
        .isEqualTo(RolloverFacts.Request.none);
  }

  private static SecureMailDomain domain(String annotation) {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setName("example");
    if (annotation != null) {
      domain.getMetadata().setAnnotations(Map.of(MxCertificates.ROLLOVER_ANNOTATION, annotation));
    }
    return domain;
  }

  private static DaneStatus handled(String value) {
    DaneStatus status = new DaneStatus();
    status.setLastRequest(value);
    return status;
  }
}
