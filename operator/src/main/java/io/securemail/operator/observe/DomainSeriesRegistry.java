package io.securemail.operator.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The registry the per-domain series (conditions, compliance verdicts: a dozen per domain) are
 * registered in: the registry that exports them, when the application's registry is a composite of
 * that one alone, as Quarkus gives it with only Prometheus enabled. A composite wraps every meter
 * in one of its own, with its own id and tags, in front of the exporter's: at a thousand domains
 * those wrappers were about 5 MiB of the operator's heap (docs/performance.md, sixth round). With
 * several registries, or none yet, the series go through the composite, as before.
 */
public final class DomainSeriesRegistry {

  private final MeterRegistry given;
  private volatile MeterRegistry chosen;

  public DomainSeriesRegistry(MeterRegistry given) {
    this.given = given;
  }

  /**
   * The registry to register and remove the series in. Chosen at the first use, once the
   * application has set its registries up, and kept, so that a series is removed from where it was
   * registered.
   */
  public MeterRegistry get() {
    MeterRegistry registry = chosen;
    if (registry == null) {
      synchronized (this) {
        if (chosen == null) {
          chosen = given instanceof CompositeMeterRegistry composite && composite.getRegistries().size() == 1
              ? composite.getRegistries().iterator().next() : given;
        }
        registry = chosen;
      }
    }
    return registry;
  }
}
