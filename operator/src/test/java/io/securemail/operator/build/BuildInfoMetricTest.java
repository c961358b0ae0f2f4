package io.securemail.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class BuildInfoMetricTest {

  @Test
  void theVersionIsTheProjectVersionMavenBuilt() {
    assertThat(BuildVersion.current()).isNotEqualTo(BuildVersion.UNKNOWN).matches("\\d+\\.\\d+\\.\\d+([-.].+)?");
  }

  @Test
  void buildInfoIsOneSeriesLabelledWithTheVersion() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new BuildInfoMetric().bindTo(registry);
    assertThat(registry.get("securemail.build.info").tag("version", BuildVersion.current()).gauge().value())
        .isEqualTo(1);
  }

  @Test
  void prometheusSeesItAsSecuremailBuildInfo() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new BuildInfoMetric().bindTo(registry);
    assertThat(registry.scrape()).contains("securemail_build_info{version=\"" + BuildVersion.current() + "\",} 1.0");
  }
}
