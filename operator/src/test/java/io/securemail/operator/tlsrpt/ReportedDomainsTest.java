package io.securemail.operator.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.api.ComplianceStatus;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import org.junit.jupiter.api.Test;

class ReportedDomainsTest {

  /**
   * The receiver keeps who each reported domain is and its TLS-RPT settings, not the whole
   * resource: the controller's cache holds that, status and all.
   */
  @Test
  void aReportedDomainIsKeptWithoutItsStatus() {
    SecureMailDomain resource = ReportReceiverTest.domain("example-com", "example.com", true);
    resource.getMetadata().setUid("uid-1");
    resource.getMetadata().setResourceVersion("42");
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setCompliance(new ComplianceStatus());
    resource.setStatus(status);
    ReportedDomains domains = new ReportedDomains();

    domains.saw(resource);

    SecureMailDomain kept = domains.managing("EXAMPLE.com").orElseThrow();
    assertThat(kept.getMetadata().getNamespace()).isEqualTo("mail");
    assertThat(kept.getMetadata().getName()).isEqualTo("example-com");
    assertThat(kept.getMetadata().getUid()).isEqualTo("uid-1");
    assertThat(kept.getSpec().getDomain()).isEqualTo("example.com");
    assertThat(kept.getSpec().getTlsRpt().getRua()).containsExactly("mailto:tls@example.com");
    assertThat(kept.getStatus() == null ? null : kept.getStatus().getCompliance()).as("status not kept").isNull();

    domains.forget(resource);
    assertThat(domains.managing("example.com")).isEmpty();
  }
}
