package io.securemail.operator.reconciler;

import io.securemail.operator.mtasts.MtaStsOutcome;

import io.securemail.operator.mta.MtaOutcome;

import io.securemail.operator.monitor.ComplianceOutcome;

import io.securemail.operator.dns.DnsOutcome;

import io.securemail.operator.certs.CertOutcome;

import io.securemail.operator.kube.Conditions;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainStatus;
import io.securemail.operator.observe.DomainSeriesRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conditions as Prometheus gauges, per domain (namespace, name):
 * <ul>
 *   <li>{@code securemail_condition_status{condition}}: 1 True, 0 False, -1 Unknown;
 *   <li>{@code securemail_dane_rollover_stuck}: 1 while CertificatesReady says DaneRolloverStuck (a
 *       switched key some MX endpoint still does not serve), for an alert no condition can raise.
 * </ul>
 */
@ApplicationScoped
public class ConditionMetrics {

  static final List<String> CONDITIONS = List.of(Conditions.READY, CertOutcome.CONDITION, DnsOutcome.CONDITION,
      MtaStsOutcome.CONDITION, MtaOutcome.CONDITION, ComplianceOutcome.CONDITION, Conditions.STALLED);

  private final DomainSeriesRegistry meters;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  @Inject
  public ConditionMetrics(MeterRegistry meters) {
    this.meters = new DomainSeriesRegistry(meters);
  }

  void record(SecureMailDomain domain, SecureMailDomainStatus status) {
    Tags tags = tags(domain);
    for (String type : CONDITIONS) {
      Conditions.find(status.getConditions(), type).ifPresentOrElse(
          c -> set("securemail.condition.status", tags.and("condition", type), value(c)),
          () -> drop("securemail.condition.status", tags.and("condition", type)));
    }
    boolean stuck = Conditions.find(status.getConditions(), CertOutcome.CONDITION)
        .filter(c -> "DaneRolloverStuck".equals(c.getReason())).isPresent();
    set("securemail.dane.rollover.stuck", tags, stuck ? 1 : 0);
  }

  void remove(SecureMailDomain domain) {
    Tags tags = tags(domain);
    CONDITIONS.forEach(type -> drop("securemail.condition.status", tags.and("condition", type)));
    drop("securemail.dane.rollover.stuck", tags);
  }

  private void set(String name, Tags tags, long value) {
    String key = name + tags;
    values.computeIfAbsent(key, k -> {
      AtomicLong holder = new AtomicLong(value);
      gauges.put(k, Gauge.builder(name, holder, AtomicLong::get).tags(tags).strongReference(true)
          .register(meters.get()));
      return holder;
    }).set(value);
  }

  private void drop(String name, Tags tags) {
    String key = name + tags;
    values.remove(key);
    Gauge gauge = gauges.remove(key);
    if (gauge != null) {
      meters.get().remove(gauge);
    }
  }

  private static long value(Condition c) {
    return switch (c.getStatus()) {
      case Conditions.TRUE -> 1;
      case Conditions.FALSE -> 0;
      default -> -1;
    };
  }

  private static Tags tags(SecureMailDomain domain) {
    return Tags.of("namespace", domain.getMetadata().getNamespace(), "name", domain.getMetadata().getName());
  }
}
