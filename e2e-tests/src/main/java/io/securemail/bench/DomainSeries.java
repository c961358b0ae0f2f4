package io.securemail.bench;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's Prometheus series that are about the benchmark's domains: a label value that is a
 * domain's name, its namespace, "namespace/name", its DNS name or a host name below it (an MX).
 */
record DomainSeries(int total, int aboutDomains, Map<String, Long> topNames) {

  static DomainSeries count(PrometheusText metrics, Collection<BenchDomains.Ref> domains) {
    Set<String> exact = new HashSet<>();
    Set<String> dnsNames = new HashSet<>();
    for (BenchDomains.Ref domain : domains) {
      exact.add(domain.name());
      exact.add(domain.namespace());
      exact.add(domain.namespace() + "/" + domain.name());
      dnsNames.add(domain.dnsName());
    }
    List<PrometheusText.Series> about = metrics.series().stream()
        .filter(s -> s.labels().values().stream().anyMatch(v -> exact.contains(v) || belowAny(v, dnsNames)))
        .toList();
    Map<String, Long> byName = about.stream().collect(Collectors.groupingBy(PrometheusText.Series::name,
        Collectors.counting()));
    Map<String, Long> top = byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(5)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    return new DomainSeries(metrics.series().size(), about.size(), top);
  }

  /** Whether {@code value} is one of {@code dnsNames} or a name below one (any case, trailing dot or not). */
  private static boolean belowAny(String value, Set<String> dnsNames) {
    String name = value.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    while (true) {
      if (dnsNames.contains(name)) {
        return true;
      }
      int dot = name.indexOf('.');
      if (dot < 0) {
        return false;
      }
      name = name.substring(dot + 1);
    }
  }
}
