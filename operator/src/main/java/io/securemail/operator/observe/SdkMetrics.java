package io.securemail.operator.observe;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The SDK's own metrics (reconciliations, their duration, events, errors) per controller, not per
 * domain. Per domain, the SDK exports a dozen series and a duration histogram for every resource:
 * more than a hundred series per domain, a hundred thousand at a thousand domains, for figures no
 * one reads per domain. What a user needs per domain, the operator exports itself (conditions and
 * compliance, {@code securemail_*}). {@code securemail.metrics.per-resource=true} brings the SDK's
 * per-resource series back, for debugging one domain.
 */
@Singleton
public class SdkMetrics {

  @Produces
  @Singleton
  Metrics sdkMetrics(MeterRegistry registry,
      @ConfigProperty(name = "securemail.metrics.per-resource", defaultValue = "false") boolean perResource) {
    return perResource ? MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build()
        : MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
