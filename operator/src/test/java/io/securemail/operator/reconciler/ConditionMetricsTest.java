package io.securemail.operator.reconciler;

import io.securemail.operator.kube.Conditions;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionMetricsTest {

  private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConditionMetrics metrics = new ConditionMetrics(registry);

  private static SecureMailDomain domain() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.setMetadata(new ObjectMetaBuilder().withName("example-com").withNamespace("mail").build());
    return domain;
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags("namespace", "mail", "name", "example-com").tags(tags).gauge().value();
  }

  @Test
  void aStuckRolloverRaisesItsGaugeAndConditionsBecomeSeries() {
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(Conditions.with(null, "CertificatesReady", "False", "DaneRolloverStuck", "stuck", 1, NOW));
    status.setConditions(Conditions.with(status.getConditions(), "MtaReady", "True", "Ready", "ok", 1, NOW));
    metrics.record(domain(), status);
    assertThat(gauge("securemail.dane.rollover.stuck")).isEqualTo(1);
    assertThat(gauge("securemail.condition.status", "condition", "CertificatesReady")).isEqualTo(0);
    assertThat(gauge("securemail.condition.status", "condition", "MtaReady")).isEqualTo(1);
    assertThat(registry.find("securemail.condition.status").tag("condition", "Ready").gauge()).isNull();

    status.setConditions(Conditions.with(status.getConditions(), "CertificatesReady", "True", "Ready", "ok", 1, NOW));
    metrics.record(domain(), status);
    assertThat(gauge("securemail.dane.rollover.stuck")).isEqualTo(0);
    assertThat(gauge("securemail.condition.status", "condition", "CertificatesReady")).isEqualTo(1);
  }

  @Test
  void aDeletedDomainTakesItsSeriesWithIt() {
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(Conditions.with(null, "Ready", "True", "Ready", "ok", 1, NOW));
    metrics.record(domain(), status);
    metrics.remove(domain());
    assertThat(registry.find("securemail.condition.status").gauges()).isEmpty();
    assertThat(registry.find("securemail.dane.rollover.stuck").gauges()).isEmpty();
  }

  /**
   * With only the exporting registry behind the application's composite (Quarkus with Prometheus),
   * the series are in the exporter, without the composite's wrapper, and go from there too.
   */
  @Test
  void seriesGoToTheOneRegistryThatExportsThem() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    SimpleMeterRegistry exporter = new SimpleMeterRegistry();
    composite.add(exporter);
    ConditionMetrics viaComposite = new ConditionMetrics(composite);
    SecureMailDomainStatus status = new SecureMailDomainStatus();
    status.setConditions(Conditions.with(null, "Ready", "True", "Ready", "ok", 1, NOW));

    viaComposite.record(domain(), status);
    assertThat(exporter.get("securemail.condition.status").tags("namespace", "mail", "name", "example-com",
        "condition", "Ready").gauge().value()).isEqualTo(1);
    assertThat(composite.getMeters()).as("no wrapper per series in the composite").isEmpty();

    viaComposite.remove(domain());
    assertThat(exporter.find("securemail.condition.status").gauges()).isEmpty();
  }
}
