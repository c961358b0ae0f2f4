package io.securemail.operator.build;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;

/**
 * {@code securemail_build_info{version}}, always 1: which version runs, for dashboards, for seeing a
 * rollout happen, and for joining onto other series ({@code * on() group_left(version)}). Quarkus
 * binds every {@link MeterBinder} bean to its registry at startup.
 */
@Singleton
public class BuildInfoMetric implements MeterBinder {

  static final String NAME = "securemail.build.info";

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(NAME, () -> 1).tag("version", BuildVersion.current())
        .description("The running operator's version; the value is always 1").register(registry);
  }
}
